/* Runs a fuzz target without libFuzzer: every file named on the command line, and every file in
 * every directory named (not recursively, in name order, skipping dot files), is read into a
 * buffer of exactly its size and passed to LLVMFuzzerTestOneInput once. A crash or a failed
 * FUZZ_CHECK aborts with the file's name printed just before; options starting with '-' (as
 * libFuzzer takes them) are ignored, so a crash line from libFuzzer can be pasted as is. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    struct stat st;
    size_t size;
    int rc = -1;

    if (f == NULL || fstat(fileno(f), &st) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        goto done;
    }
    size = (size_t)st.st_size;
    data = malloc(size > 0 ? size : 1);   /* exactly the input: a read past it is caught */
    if (data == NULL || fread(data, 1, size, f) != size) {
        fprintf(stderr, "replay: %s: cannot read\n", path);
        goto done;
    }
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    LLVMFuzzerTestOneInput(data, size);
    rc = 0;
done:
    free(data);
    if (f != NULL) fclose(f);
    return rc;
}

static int not_hidden(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Replays the regular files in DIR; *count is increased by how many ran. */
static int replay_dir(const char *dir, size_t *count)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, not_hidden, alphasort), rc = 0;

    if (n < 0) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        int len = snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (len < 0 || (size_t)len >= sizeof path) {
            fprintf(stderr, "replay: %s/%s: path too long\n", dir, names[i]->d_name);
            rc = -1;
        } else if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (replay_file(path) != 0) rc = -1;
            else (*count)++;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    int status = 0;

    if (LLVMFuzzerInitialize != NULL) LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (argv[i][0] == '-') continue;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            status = 1;
        } else if (S_ISDIR(st.st_mode)) {
            if (replay_dir(argv[i], &count) != 0) status = 1;
        } else if (replay_file(argv[i]) == 0) {
            count++;
        } else {
            status = 1;
        }
    }
    if (count == 0) {
        fprintf(stderr, "replay: no input replayed (usage: %s FILE_OR_DIR...)\n", argv[0]);
        return 1;
    }
    printf("replay: %zu inputs, no crash\n", count);
    return status;
}
