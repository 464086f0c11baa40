/* netral list build, netral list diff: the list authority's tools (docs/list-authoring.md).
 * build turns the authority's spreadsheet, saved as CSV, into a list in the format import reads
 * (docs/list-format.md); diff says what changed from the last published list to the next.
 * Both keep their rows in a private temporary SQLite database on disk, which SQLite deletes when
 * it is closed: memory stays bounded by SQLite's page cache however long the lists are, and the
 * disk holds about as much as the lists themselves. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <sodium.h>
#include <sqlite3.h>

#include "account.h"
#include "cli.h"
#include "clock.h"
#include "fileio.h"
#include "isotime.h"
#include "json.h"
#include "listcsv.h"
#include "listfile.h"
#include "os.h"
#include "utf8.h"

#define MAX_PROBLEMS 100u              /* problems reported before build or diff gives up */
#define SCRATCH_CACHE_KIB 32768        /* SQLite's page cache (and sorter) for the scratch database */
#define ENTITY_DIGEST_BYTES 16         /* BLAKE2b-128: equal digests are equal entities */
#define QUOTED_INPUT_BYTES 100         /* how much of a bad value a message quotes */
#define MAX_SAFE_INTEGER 9007199254740991LL

enum { OPT_JSON = 1000, OPT_VERSION, OPT_ISSUER, OPT_ELECTION, OPT_ISSUED, OPT_EXPIRES, OPT_SEPARATOR };

static int usage(const char *text, int status)
{
    fputs(text, status == EXIT_OK ? stdout : stderr);
    return status;
}

/* ---- problems: what is wrong with an input, where, collected up to MAX_PROBLEMS ---- */

typedef struct {
    const char *file;
    uint64_t line;             /* 0: the file as a whole */
    size_t column;             /* from 1; 0: none */
    char column_name[64];      /* as the header row names it */
    char msg[NETRAL_ERROR_MSG_BYTES];
} problem;

typedef struct {
    problem items[MAX_PROBLEMS];
    size_t count;
    int more;                  /* further problems were found and not kept */
} problem_list;

static void report(problem_list *pl, const char *file, uint64_t line, size_t column, const char *column_name,
                   const char *fmt, ...) NETRAL_PRINTF(6, 7);
static void report(problem_list *pl, const char *file, uint64_t line, size_t column, const char *column_name,
                   const char *fmt, ...)
{
    problem *p;
    va_list ap;
    if (pl->count == MAX_PROBLEMS) {
        pl->more = 1;
        return;
    }
    p = &pl->items[pl->count++];
    p->file = file;
    p->line = line;
    p->column = column;
    snprintf(p->column_name, sizeof p->column_name, "%s", column_name ? column_name : "");
    va_start(ap, fmt);
    (void)vsnprintf(p->msg, sizeof p->msg, fmt, ap);   /* a reason cut short is still one */
    va_end(ap);
    utf8_repair(p->msg);
    utf8_repair(p->column_name);
}

/* Spreadsheet column letters: 1 -> A, 26 -> Z, 27 -> AA. */
static const char *column_letters(size_t column, char out[8])
{
    char rev[8];
    size_t n = 0, i = 0;
    while (column > 0 && n < sizeof rev - 1) {
        rev[n++] = (char)('A' + (column - 1) % 26);
        column = (column - 1) / 26;
    }
    while (n > 0) out[i++] = rev[--n];
    out[i] = '\0';
    return out;
}

/* Prints each as FILE:LINE: column C (name): [PREFIX]message; NOUN for the line about the rest. */
static void print_problems(const problem_list *pl, const char *prefix, const char *noun)
{
    for (size_t i = 0; i < pl->count; i++) {
        const problem *p = &pl->items[i];
        char letters[8];
        if (p->line > 0) fprintf(stderr, "%s:%llu: ", p->file, (unsigned long long)p->line);
        else fprintf(stderr, "%s: ", p->file);
        if (p->column > 0) {
            fprintf(stderr, "column %s", column_letters(p->column, letters));
            if (p->column_name[0] != '\0') fprintf(stderr, " (%s)", p->column_name);
            fputs(": ", stderr);
        }
        fprintf(stderr, "%s%s\n", prefix, p->msg);
    }
    if (pl->more) fprintf(stderr, "netral: more than %u %s; the first %u are shown\n", MAX_PROBLEMS, noun, MAX_PROBLEMS);
}

static cJSON *problems_json(const problem_list *pl)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < pl->count; i++) {
        const problem *p = &pl->items[i];
        cJSON *o = cJSON_CreateObject();
        char letters[8];
        json_add_text(o, "file", p->file);
        if (p->line > 0) json_add_integer(o, "line", (int64_t)p->line);
        if (p->column > 0) {
            cJSON_AddStringToObject(o, "column", column_letters(p->column, letters));
            if (p->column_name[0] != '\0') cJSON_AddStringToObject(o, "column_name", p->column_name);
        }
        cJSON_AddStringToObject(o, "message", p->msg);
        cJSON_AddItemToArray(list, o);
    }
    return list;
}

static void print_json(cJSON *o)
{
    char *text = cJSON_Print(o);
    if (text != NULL) printf("%s\n", text);
    cJSON_free(text);
}

/* ---- the scratch database ---- */

static int db_fail(netral_error *err, sqlite3 *db, const char *what)
{
    int code = db != NULL ? sqlite3_errcode(db) : SQLITE_NOMEM;
    if (code == SQLITE_FULL)
        return netral_fail(err, NETRAL_E_IO, "%s: the disk of the temporary directory (TMPDIR) is full", what);
    return netral_fail(err, NETRAL_E_DATABASE, "%s: %s", what, db != NULL ? sqlite3_errmsg(db) : "out of memory");
}

/* A private temporary database on disk ("" as the name), which SQLite deletes on close. */
static int scratch_open(sqlite3 **out, const char *schema, netral_error *err)
{
    static const char PRAGMAS[] =
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;"
        "PRAGMA temp_store = FILE;";
    char cache[64];
    sqlite3 *db = NULL;
    snprintf(cache, sizeof cache, "PRAGMA cache_size = -%d;", SCRATCH_CACHE_KIB);
    if (sqlite3_open_v2("", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
        sqlite3_exec(db, PRAGMAS, NULL, NULL, NULL) != SQLITE_OK || sqlite3_exec(db, cache, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK) {
        db_fail(err, db, "cannot make a temporary database (in TMPDIR)");
        sqlite3_close(db);
        return -1;
    }
    *out = db;
    return 0;
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, netral_error *err)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) return db_fail(err, db, "temporary database");
    return 0;
}

static int exec(sqlite3 *db, const char *sql, netral_error *err)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) return db_fail(err, db, "temporary database");
    return 0;
}

/* Runs a statement that returns no rows, and resets it. */
static int step_done(sqlite3 *db, sqlite3_stmt *st, netral_error *err)
{
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step != SQLITE_DONE) return db_fail(err, db, "temporary database");
    return 0;
}

static const char *column_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t != NULL ? (const char *)t : "";
}

/* ---- texts ---- */

typedef struct {
    const char *p;
    size_t n;
} slice;

static slice trimmed(const char *p, size_t n)
{
    while (n > 0 && (p[0] == ' ' || p[0] == '\t')) p++, n--;
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
    return (slice){p, n};
}

static int equals_nocase(slice t, const char *word)
{
    size_t n = strlen(word);
    if (t.n != n) return 0;
    for (size_t i = 0; i < n; i++) {
        char c = t.p[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != word[i]) return 0;
    }
    return 1;
}

/* What is wrong with a text the list shows people (docs/list-format.md), or NULL. */
static const char *text_problem(slice t)
{
    if (t.n > MAX_ENTITY_FIELD_BYTES) return "is longer than 256 bytes (the list format's limit)";
    for (size_t i = 0; i < t.n; i++)
        if ((unsigned char)t.p[i] < 0x20 || t.p[i] == 0x7f)
            return "has a control character (a line break or a tab inside the cell?)";
    return NULL;
}

/* A text option (--issuer, --election): 1 to 256 bytes of UTF-8, no control characters. */
static int text_option_ok(const char *option, const char *value)
{
    slice t = {value, strlen(value)};
    const char *why = text_problem(t);
    if (t.n == 0) why = "is empty";
    else if (!utf8_valid((const unsigned char *)value, t.n)) why = "is not UTF-8 text";
    if (why == NULL) return 1;
    fprintf(stderr, "netral: %s: the value %s\n", option, why);
    return 0;
}

/* "2027-02-01T00:00:00Z", or a date alone for its midnight UTC. */
static int parse_time_option(const char *option, const char *value, int64_t *out)
{
    char full[ISOTIME_BYTES];
    size_t n = strlen(value);
    if (n == 10) {
        snprintf(full, sizeof full, "%sT00:00:00Z", value);
        value = full;
        n = strlen(full);
    }
    if (isotime_parse(value, n, out) == 0) return 0;
    fprintf(stderr, "netral: %s: \"%.40s\" is not a UTC time like 2027-02-01T00:00:00Z (or a date, 2027-02-01)\n",
            option, value);
    return -1;
}

static int parse_version_option(const char *value, int64_t *out)
{
    long long v = 0;
    size_t n = strlen(value);
    if (n == 0 || n > 16 || value[0] == '0') goto bad;
    for (size_t i = 0; i < n; i++) {
        if (value[i] < '0' || value[i] > '9') goto bad;
        v = v * 10 + (value[i] - '0');
    }
    if (v > MAX_SAFE_INTEGER) goto bad;
    *out = v;
    return 0;
bad:
    fprintf(stderr, "netral: --version: \"%.40s\" is not a whole number from 1 to 2^53-1\n", value);
    return -1;
}

/* ---- build: the columns ---- */

typedef enum {
    COL_NONE = -1,
    COL_PLATFORM = 0,
    COL_ACCOUNT,
    COL_ID,
    COL_NAME,
    COL_ROLE,
    COL_PARTY,
    COL_ELECTION,
    COL_REGION,
    COL_COUNT
} column;

/* The header names, English and Indonesian; without a header row the columns are in this order. */
static const struct {
    const char *en, *id;
} COLUMN_NAMES[COL_COUNT] = {
    {"platform", "platform"}, {"account", "akun"},   {"id", "id"},               {"name", "nama"},
    {"role", "peran"},        {"party", "partai"},  {"election", "pemilihan"}, {"region", "wilayah"},
};

static column column_named(slice t)
{
    for (int c = 0; c < COL_COUNT; c++)
        if (equals_nocase(t, COLUMN_NAMES[c].en) || equals_nocase(t, COLUMN_NAMES[c].id)) return (column)c;
    return COL_NONE;
}

static const char BUILD_USAGE[] =
    "usage: netral list build FILE.csv --version N --issuer TEXT --expires TIME [-o LIST.jsonl]\n"
    "                         [--election TEXT]... [--issued TIME] [--separator ';'] [--json]\n"
    "Turns the authority's spreadsheet, saved as CSV UTF-8, into a list for `netral sign`.\n"
    "One row per account, with the columns platform, account (akun), id, name (nama), role (peran),\n"
    "party (partai), election (pemilihan) and region (wilayah), named in a header row in English or\n"
    "Indonesian, in any order (without a header row: in this order). Each row needs a platform, a\n"
    "name, and an account (a handle or profile URL) or a numeric id, or both. Rows with the same name,\n"
    "role, party, election and region on the same platform become one list entry.\n"
    "  -o LIST.jsonl    the list to write (default: FILE with .jsonl in place of .csv)\n"
    "  --version N      the list's version, greater than the last published one's\n"
    "  --issuer TEXT    who issues the list, as users are shown it\n"
    "  --expires TIME   when the list expires (UTC): 2027-02-01T00:00:00Z, or 2027-02-01\n"
    "  --issued TIME    when it is issued (default: now)\n"
    "  --election TEXT  an election the list covers; repeat for several (default: the values of\n"
    "                   the election column, in the order they first appear)\n"
    "  --separator ';'  cells separated by semicolons, as Excel writes CSV under Indonesian\n"
    "                   regional settings (default: commas)\n"
    "  --json           print the outcome as JSON\n"
    "Every problem is reported with its line and column (the first 100); then nothing is written.\n"
    "Exit status: 0 the list is written, 1 problems (nothing written), 2 usage.\n";

typedef struct {
    const char *csv, *out;
    int64_t version, issued, expires;
    const char *issuer;
    const char *elections[MAX_ELECTIONS];
    size_t election_count;
    char separator;
    int json;
} build_options;

typedef struct {
    const build_options *opt;
    problem_list *problems, *warnings;   /* warnings: worth a look, but the list is written */
    netral_error fatal;          /* the scratch database failed: building cannot go on */
    int failed;
    sqlite3 *db;
    sqlite3_stmt *add_group, *find_group, *update_group, *add_account, *find_account;
    /* the layout, from the header row (or the default order) */
    int layout_known, has_header;
    uint64_t header_line;
    column column_of_field[CSV_MAX_FIELDS];
    int field_of[COL_COUNT];
    char label[CSV_MAX_FIELDS][64];   /* each field's column name, for messages */
    /* what the rows held */
    uint64_t rows;
    int64_t groups;
    int too_many_groups, too_many_elections;
    char elections[MAX_ELECTIONS][LIST_FIELD_BYTES];   /* the election column's values, when no --election */
    size_t election_count;
} builder;

static const char BUILD_SCHEMA[] =
    "CREATE TABLE grp (id INTEGER PRIMARY KEY, platform INTEGER NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,"
    "  party TEXT NOT NULL, election TEXT NOT NULL, region TEXT NOT NULL, first_line INTEGER NOT NULL,"
    "  accounts INTEGER NOT NULL DEFAULT 0, overflow INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE (platform, name, role, party, election, region));"
    "CREATE TABLE acc (platform INTEGER NOT NULL, account TEXT NOT NULL, grp INTEGER NOT NULL,"
    "  line INTEGER NOT NULL, field INTEGER NOT NULL, UNIQUE (platform, account));"
    "BEGIN;";

static int builder_prepare(builder *b, netral_error *err)
{
    if (scratch_open(&b->db, BUILD_SCHEMA, err) != 0) return -1;
    return prepare(b->db,
                   "INSERT INTO grp (platform, name, role, party, election, region, first_line)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                   &b->add_group, err) ||
                   prepare(b->db,
                           "SELECT id, first_line, accounts, overflow FROM grp WHERE platform = ?1 AND name = ?2"
                           " AND role = ?3 AND party = ?4 AND election = ?5 AND region = ?6",
                           &b->find_group, err) ||
                   prepare(b->db, "UPDATE grp SET accounts = ?2, overflow = ?3 WHERE id = ?1", &b->update_group, err) ||
                   prepare(b->db, "INSERT INTO acc (platform, account, grp, line, field) VALUES (?1, ?2, ?3, ?4, ?5)",
                           &b->add_account, err) ||
                   prepare(b->db, "SELECT line, field FROM acc WHERE platform = ?1 AND account = ?2", &b->find_account,
                           err)
               ? -1
               : 0;
}

static void builder_close(builder *b)
{
    sqlite3_finalize(b->add_group);
    sqlite3_finalize(b->find_group);
    sqlite3_finalize(b->update_group);
    sqlite3_finalize(b->add_account);
    sqlite3_finalize(b->find_account);
    sqlite3_close(b->db);
}

/* Notes a problem (or a warning) of a row in INTO, naming the field's column as the header does. */
static void note(builder *b, problem_list *into, uint64_t line, size_t field, const char *fmt, va_list ap)
    NETRAL_PRINTF(5, 0);
static void note(builder *b, problem_list *into, uint64_t line, size_t field, const char *fmt, va_list ap)
{
    char msg[NETRAL_ERROR_MSG_BYTES];
    (void)vsnprintf(msg, sizeof msg, fmt, ap);
    report(into, b->opt->csv, line, field, field > 0 && field <= CSV_MAX_FIELDS ? b->label[field - 1] : NULL, "%s", msg);
}

static void row_problem(builder *b, uint64_t line, size_t field, const char *fmt, ...) NETRAL_PRINTF(4, 5);
static void row_problem(builder *b, uint64_t line, size_t field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    note(b, b->problems, line, field, fmt, ap);
    va_end(ap);
}

/* Something that is allowed but looks like a mistake: reported, and the list is written. */
static void row_warning(builder *b, uint64_t line, size_t field, const char *fmt, ...) NETRAL_PRINTF(4, 5);
static void row_warning(builder *b, uint64_t line, size_t field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    note(b, b->warnings, line, field, fmt, ap);
    va_end(ap);
}

/* A numeric id of more than 15 digits whose digits after the 15th are all 0: what a spreadsheet
 * writes when the id was typed into a number cell, which keeps 15 significant digits. */
static void check_rounded_id(builder *b, const account_ref *a, uint64_t line, size_t field)
{
    const char *digits = a->account + 3;
    size_t n = strlen(digits);
    if (strncmp(a->account, "id:", 3) != 0 || n <= 15 || strspn(digits + 15, "0") != n - 15) return;
    row_warning(b, line, field, "the id %s ends in zeros after its 15th digit, as a spreadsheet writes a long number "
                "it has rounded: check it (and format the column as text)", digits);
}

/* The layout from the first row: a header row when its first cell names a column (a row of data
 * starts with a platform, and no platform is called like a column), else the default order. */
static int read_layout(builder *b, const csv_record *rec)
{
    int problems = 0;
    for (int c = 0; c < COL_COUNT; c++) b->field_of[c] = -1;
    for (size_t i = 0; i < CSV_MAX_FIELDS; i++) {
        b->column_of_field[i] = COL_NONE;
        b->label[i][0] = '\0';
    }
    b->layout_known = 1;
    b->has_header = column_named(trimmed(rec->field[0], rec->len[0])) != COL_NONE;
    if (!b->has_header) {
        for (int c = 0; c < COL_COUNT; c++) {
            b->field_of[c] = c;
            b->column_of_field[c] = (column)c;
            snprintf(b->label[c], sizeof b->label[c], "%s", COLUMN_NAMES[c].en);
        }
        return 0;
    }
    b->header_line = rec->line;
    for (size_t i = 0; i < rec->count; i++) {
        slice name = trimmed(rec->field[i], rec->len[i]);
        column c = column_named(name);
        snprintf(b->label[i], sizeof b->label[i], "%.*s", (int)(name.n > 40 ? 40 : name.n), name.p);
        if (name.n == 0) continue;   /* a column without a name: its cells must be empty */
        if (c == COL_NONE) {
            row_problem(b, rec->line, i + 1,
                        "unknown column \"%.*s\": the columns are platform, account (akun), id, name (nama), "
                        "role (peran), party (partai), election (pemilihan), region (wilayah)",
                        (int)(name.n > 60 ? 60 : name.n), name.p);
            problems++;
        } else if (b->field_of[c] >= 0) {
            char letters[8];
            row_problem(b, rec->line, i + 1, "a second %s column (the first is column %s)", COLUMN_NAMES[c].en,
                        column_letters((size_t)b->field_of[c] + 1, letters));
            problems++;
        } else {
            b->field_of[c] = (int)i;
            b->column_of_field[i] = c;
        }
    }
    if (b->field_of[COL_PLATFORM] < 0) {
        row_problem(b, rec->line, 0, "no platform column (platform)");
        problems++;
    }
    if (b->field_of[COL_NAME] < 0) {
        row_problem(b, rec->line, 0, "no name column (name or nama)");
        problems++;
    }
    if (b->field_of[COL_ACCOUNT] < 0 && b->field_of[COL_ID] < 0) {
        row_problem(b, rec->line, 0, "no account column (account or akun) and no id column: one of them is needed");
        problems++;
    }
    return problems > 0 ? -1 : 0;
}

static slice cell(const csv_record *rec, const builder *b, column c)
{
    int f = b->field_of[c];
    if (f < 0 || (size_t)f >= rec->count) return (slice){"", 0};
    return trimmed(rec->field[f], rec->len[f]);
}

static size_t field_number(const builder *b, column c)
{
    return (size_t)b->field_of[c] + 1;
}

/* A spreadsheet's way of showing a long number: 1.7E+18. */
static int scientific_notation(slice t)
{
    int e = 0, digits = 0;
    for (size_t i = 0; i < t.n; i++) {
        char c = t.p[i];
        if (c >= '0' && c <= '9') digits++;
        else if (c == 'E' || c == 'e') e++;
        else if (c != '.' && c != ',' && c != '+') return 0;
    }
    return e == 1 && digits > 0;
}

/* The id column: a numeric id ("id:DIGITS"), or on YouTube a channel id ("channel:UC..."). */
static int normalize_id(netral_platform platform, slice value, account_ref *out, char *why, size_t why_size)
{
    netral_error err;
    int youtube = platform == PLATFORM_YOUTUBE;
    if (account_normalize(platform, value.p, value.n, out, &err) == 0 &&
        strncmp(out->account, youtube ? "channel:" : "id:", youtube ? 8 : 3) == 0)
        return 0;
    if (scientific_notation(value))
        snprintf(why, why_size, "\"%.*s\" is a number in scientific notation: format the id column as text in the "
                 "spreadsheet, type the ids again and export again", (int)value.n, value.p);
    else if (youtube)
        snprintf(why, why_size, "\"%.*s\" is not a YouTube channel id (UC and 22 letters, digits, _ or -)",
                 (int)(value.n > QUOTED_INPUT_BYTES ? QUOTED_INPUT_BYTES : value.n), value.p);
    else
        snprintf(why, why_size, "\"%.*s\" is not a numeric id (digits only, not starting with 0; a handle or URL "
                 "goes in the account column)", (int)(value.n > QUOTED_INPUT_BYTES ? QUOTED_INPUT_BYTES : value.n),
                 value.p);
    return -1;
}

/* Remembers a distinct value of the election column (when no --election names them). */
static void note_election(builder *b, slice election, uint64_t line)
{
    for (size_t i = 0; i < b->election_count; i++)
        if (strlen(b->elections[i]) == election.n && memcmp(b->elections[i], election.p, election.n) == 0) return;
    if (b->election_count == MAX_ELECTIONS) {
        if (!b->too_many_elections)
            row_problem(b, line, field_number(b, COL_ELECTION), "more than %u different elections: a list covers at most %u",
                        MAX_ELECTIONS, MAX_ELECTIONS);
        b->too_many_elections = 1;
        return;
    }
    memcpy(b->elections[b->election_count], election.p, election.n);
    b->elections[b->election_count][election.n] = '\0';
    b->election_count++;
}

static int election_given(const build_options *opt, slice election)
{
    for (size_t i = 0; i < opt->election_count; i++)
        if (strlen(opt->elections[i]) == election.n && memcmp(opt->elections[i], election.p, election.n) == 0) return 1;
    return 0;
}

static void bind_text(sqlite3_stmt *st, int i, slice t)
{
    sqlite3_bind_text(st, i, t.p, (int)t.n, SQLITE_STATIC);
}

/* Finds or makes the row's group (entity and platform); its id, first line and account count. */
static int find_group(builder *b, netral_platform platform, const slice entity[5], uint64_t line, int64_t *id,
                      int64_t *first_line, int64_t *accounts, int *overflow)
{
    int step;
    sqlite3_bind_int(b->add_group, 1, platform);
    sqlite3_bind_int(b->find_group, 1, platform);
    for (int i = 0; i < 5; i++) {
        bind_text(b->add_group, i + 2, entity[i]);
        bind_text(b->find_group, i + 2, entity[i]);
    }
    sqlite3_bind_int64(b->add_group, 7, (sqlite3_int64)line);
    if (step_done(b->db, b->add_group, &b->fatal) != 0) return -1;
    if (sqlite3_changes(b->db) > 0 && ++b->groups > (int64_t)MAX_LIST_ENTRIES && !b->too_many_groups) {
        row_problem(b, line, 0, "more than %u entries: a list holds at most %u", MAX_LIST_ENTRIES, MAX_LIST_ENTRIES);
        b->too_many_groups = 1;
    }
    step = sqlite3_step(b->find_group);
    if (step == SQLITE_ROW) {
        *id = sqlite3_column_int64(b->find_group, 0);
        *first_line = sqlite3_column_int64(b->find_group, 1);
        *accounts = sqlite3_column_int64(b->find_group, 2);
        *overflow = sqlite3_column_int(b->find_group, 3);
    }
    sqlite3_reset(b->find_group);
    if (step != SQLITE_ROW) return db_fail(&b->fatal, b->db, "temporary database");
    return 0;
}

/* Adds one account of the row; 1 when added, 0 when it was listed already (reported), -1 on failure. */
static int add_account(builder *b, const account_ref *a, int64_t group, uint64_t line, size_t field)
{
    int step;
    sqlite3_bind_int(b->add_account, 1, a->platform);
    sqlite3_bind_text(b->add_account, 2, a->account, -1, SQLITE_STATIC);
    sqlite3_bind_int64(b->add_account, 3, group);
    sqlite3_bind_int64(b->add_account, 4, (sqlite3_int64)line);
    sqlite3_bind_int64(b->add_account, 5, (sqlite3_int64)field);
    step = sqlite3_step(b->add_account);
    sqlite3_reset(b->add_account);
    if (step == SQLITE_DONE) return 1;
    if (step != SQLITE_CONSTRAINT) return db_fail(&b->fatal, b->db, "temporary database");

    sqlite3_bind_int(b->find_account, 1, a->platform);
    sqlite3_bind_text(b->find_account, 2, a->account, -1, SQLITE_STATIC);
    step = sqlite3_step(b->find_account);
    if (step == SQLITE_ROW) {
        char letters[8], these_letters[8];
        int64_t first = sqlite3_column_int64(b->find_account, 0);
        size_t first_field = (size_t)sqlite3_column_int64(b->find_account, 1);
        if ((uint64_t)first == line)
            row_problem(b, line, field, "%s %s is listed twice on line %llu (columns %s and %s)",
                        platform_name(a->platform), a->account, (unsigned long long)line,
                        column_letters(first_field, letters), column_letters(field, these_letters));
        else
            row_problem(b, line, field, "%s %s is listed twice: on line %lld (column %s) and on line %llu",
                        platform_name(a->platform), a->account, (long long)first,
                        column_letters(first_field, letters), (unsigned long long)line);
    }
    sqlite3_reset(b->find_account);
    if (step != SQLITE_ROW) return db_fail(&b->fatal, b->db, "temporary database");
    return 0;
}

static int row_is_blank(const csv_record *rec)
{
    for (size_t i = 0; i < rec->count; i++)
        if (trimmed(rec->field[i], rec->len[i]).n > 0) return 0;
    return 1;
}

static void build_row(builder *b, const csv_record *rec)
{
    static const column ENTITY_COLUMNS[5] = {COL_NAME, COL_ROLE, COL_PARTY, COL_ELECTION, COL_REGION};
    uint64_t line = rec->line;
    netral_platform platform = PLATFORM_NONE;
    account_ref refs[2];
    size_t ref_fields[2], ref_count = 0;
    slice entity[5];
    int ok = 1;

    if (row_is_blank(rec)) return;   /* spreadsheets export empty rows as ",,,," */
    b->rows++;
    for (size_t i = 0; i < rec->count; i++) {
        if (b->column_of_field[i] != COL_NONE || trimmed(rec->field[i], rec->len[i]).n == 0) continue;
        if (b->has_header && i < CSV_MAX_FIELDS && b->label[i][0] == '\0')
            row_problem(b, line, i + 1, "a value in a column without a name in the header row");
        else if (!b->has_header)
            row_problem(b, line, i + 1, "a value after the 8th column (without a header row the columns are "
                                        "platform, account, id, name, role, party, election, region)");
        ok = 0;
    }

    slice platform_text = cell(rec, b, COL_PLATFORM);
    if (platform_text.n == 0) {
        row_problem(b, line, field_number(b, COL_PLATFORM), "no platform");
        ok = 0;
    } else if (platform_parse(platform_text.p, platform_text.n, &platform) != 0) {
        row_problem(b, line, field_number(b, COL_PLATFORM),
                    "unknown platform \"%.*s\": one of " NETRAL_PLATFORM_LIST " (twitter is x)%s",
                    (int)(platform_text.n > 40 ? 40 : platform_text.n), platform_text.p,
                    !b->has_header && b->rows == 1 ? " (a header row must start with a column name, such as platform)"
                                                   : "");
        ok = 0;
    }
    for (int i = 0; i < 5; i++) {
        column c = ENTITY_COLUMNS[i];
        const char *why;
        entity[i] = cell(rec, b, c);
        if (b->field_of[c] < 0) continue;
        why = text_problem(entity[i]);
        if (why != NULL) {
            row_problem(b, line, field_number(b, c), "the %s %s", COLUMN_NAMES[c].en, why);
            ok = 0;
        }
    }
    if (entity[0].n == 0) {
        row_problem(b, line, field_number(b, COL_NAME), "no name: every row needs the name of the entity whose account it is");
        ok = 0;
    }
    if (entity[3].n > 0 && text_problem(entity[3]) == NULL) {
        if (b->opt->election_count > 0 && !election_given(b->opt, entity[3])) {
            row_problem(b, line, field_number(b, COL_ELECTION), "the election \"%.*s\" is not one of the --election values",
                        (int)(entity[3].n > QUOTED_INPUT_BYTES ? QUOTED_INPUT_BYTES : entity[3].n), entity[3].p);
            ok = 0;
        } else if (b->opt->election_count == 0) {
            note_election(b, entity[3], line);
        }
    }

    slice account = cell(rec, b, COL_ACCOUNT), id = cell(rec, b, COL_ID);
    if (account.n == 0 && id.n == 0) {
        row_problem(b, line, b->field_of[COL_ACCOUNT] >= 0 ? field_number(b, COL_ACCOUNT) : field_number(b, COL_ID),
                    "neither an account nor an id: give one, or both");
        ok = 0;
    }
    if (platform == PLATFORM_NONE) return;   /* accounts mean nothing without their platform */
    if (account.n > 0) {
        netral_error err;
        if (account_normalize(platform, account.p, account.n, &refs[ref_count], &err) == 0) {
            check_rounded_id(b, &refs[ref_count], line, field_number(b, COL_ACCOUNT));
            ref_fields[ref_count++] = field_number(b, COL_ACCOUNT);
        } else {
            row_problem(b, line, field_number(b, COL_ACCOUNT), "\"%.*s\" is not a valid account on %s: %s",
                        (int)(account.n > QUOTED_INPUT_BYTES ? QUOTED_INPUT_BYTES : account.n), account.p,
                        platform_name(platform), err.msg);
            ok = 0;
        }
    }
    if (id.n > 0) {
        char why[NETRAL_ERROR_MSG_BYTES];
        if (normalize_id(platform, id, &refs[ref_count], why, sizeof why) == 0) {
            check_rounded_id(b, &refs[ref_count], line, field_number(b, COL_ID));
            ref_fields[ref_count++] = field_number(b, COL_ID);
        } else {
            row_problem(b, line, field_number(b, COL_ID), "%s", why);
            ok = 0;
        }
    }
    if (!ok && (entity[0].n == 0 || ref_count == 0)) return;   /* nothing to group or to compare */

    int64_t group = 0, first_line = 0, accounts = 0;
    int overflow = 0;
    if (find_group(b, platform, entity, line, &group, &first_line, &accounts, &overflow) != 0) {
        b->failed = 1;
        return;
    }
    for (size_t i = 0; i < ref_count; i++) {
        int added = add_account(b, &refs[i], group, line, ref_fields[i]);
        if (added < 0) {
            b->failed = 1;
            return;
        }
        accounts += added;
    }
    if (accounts > (int64_t)MAX_ACCOUNTS_PER_ENTRY && !overflow) {
        row_problem(b, line, 0, "%.*s has more than %u accounts on %s (its rows start on line %lld): a list entry "
                    "holds at most %u; tell them apart by role or region",
                    (int)(entity[0].n > QUOTED_INPUT_BYTES ? QUOTED_INPUT_BYTES : entity[0].n), entity[0].p,
                    MAX_ACCOUNTS_PER_ENTRY, platform_name(platform), (long long)first_line, MAX_ACCOUNTS_PER_ENTRY);
        overflow = 1;
    }
    sqlite3_bind_int64(b->update_group, 1, group);
    sqlite3_bind_int64(b->update_group, 2, accounts);
    sqlite3_bind_int(b->update_group, 3, overflow);
    if (step_done(b->db, b->update_group, &b->fatal) != 0) b->failed = 1;
}

/* Reads every row of the CSV file into the scratch database, reporting what is wrong. */
static int read_csv(builder *b, netral_error *err)
{
    csv_reader *r = malloc(sizeof *r);
    csv_record *rec = malloc(sizeof *rec);
    struct stat st;
    int fd = -1, rc = -1;

    if (r == NULL || rec == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        goto done;
    }
    fd = os_open_read(b->opt->csv);
    if (fd < 0) {
        netral_fail(err, NETRAL_E_IO, "cannot open %s: %s", b->opt->csv, strerror(errno));
        goto done;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        netral_fail(err, NETRAL_E_IO, "%s is not a regular file", b->opt->csv);
        goto done;
    }
    if ((unsigned long long)st.st_size > CSV_MAX_FILE_BYTES) {
        netral_fail(err, NETRAL_E_TOO_LARGE, "%s is %lld bytes, over the limit of %u", b->opt->csv,
                    (long long)st.st_size, CSV_MAX_FILE_BYTES);
        goto done;
    }
    csv_reader_init(r, csv_read_fd, &fd);
    r->separator = b->opt->separator;
    while (!b->problems->more && !b->failed) {   /* on until a problem past the cap */
        netral_error csv_err;
        csv_status got = csv_reader_next(r, rec, &csv_err);
        if (got == CSV_END) break;
        if (got == CSV_FATAL) {
            row_problem(b, r->line, 0, "%s", csv_err.msg);
            break;
        }
        if (got == CSV_BAD_RECORD) {
            row_problem(b, rec->line, rec->bad_field, "%s", csv_err.msg);
            if (!b->layout_known) {
                row_problem(b, rec->line, 0, "the first row cannot be read, so neither can the columns: stopped here");
                break;
            }
            continue;
        }
        if (!b->layout_known) {
            char other = b->opt->separator == ',' ? ';' : ',';
            if (row_is_blank(rec)) continue;
            if (rec->count == 1 && memchr(rec->field[0], other, rec->len[0]) != NULL) {
                row_problem(b, rec->line, 0, "one column only, with %s in it: the file seems separated by %s%s: "
                            "use --separator '%c'", other == ';' ? "semicolons" : "commas",
                            other == ';' ? "semicolons" : "commas",
                            other == ';' ? " (Excel writes those under Indonesian regional settings)" : "", other);
                break;
            }
            if (read_layout(b, rec) != 0) break;   /* the rows cannot be read without their columns */
            if (b->has_header) continue;
        }
        build_row(b, rec);
    }
    if (b->failed) {
        *err = b->fatal;
        goto done;
    }
    if (b->rows == 0 && b->problems->count == 0) {
        if (b->has_header) row_problem(b, b->header_line, 0, "no rows after the header row: the list would be empty");
        else row_problem(b, 1, 0, "the file is empty: no rows");
    }
    rc = 0;
done:
    if (fd >= 0) close(fd);
    free(rec);
    free(r);
    return rc;
}

/* ---- build: writing the list ---- */

typedef struct {
    int fd;
    size_t used;
    uint64_t total;
    char buf[65536];
} out_file;

static int out_write(out_file *o, const char *data, size_t len)
{
    o->total += len;
    if (o->used + len > sizeof o->buf) {
        if (fd_write_all(o->fd, o->buf, o->used) != 0) return -1;
        o->used = 0;
    }
    if (len > sizeof o->buf) return fd_write_all(o->fd, data, len);
    memcpy(o->buf + o->used, data, len);
    o->used += len;
    return 0;
}

static int out_flush(out_file *o)
{
    int rc = fd_write_all(o->fd, o->buf, o->used);
    o->used = 0;
    return rc;
}

/* Writes one line of the list, checked by the parser import uses: what build writes, import reads. */
static int write_line(out_file *o, cJSON *obj, int header, const char *out_path, netral_error *err)
{
    char *line = cJSON_PrintUnformatted(obj);
    int rc = -1;
    netral_error parse_err;
    if (line == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    size_t len = strlen(line);
    if (len > MAX_LIST_LINE_BYTES) {
        netral_fail(err, NETRAL_E_TOO_LARGE, "an entry would be longer than %u bytes", MAX_LIST_LINE_BYTES);
        goto done;
    }
    if (header) {
        list_header h;
        if (list_parse_header(line, len, &h, &parse_err) != 0) goto unreadable;
    } else {
        list_entry *e = malloc(sizeof *e);
        int parsed = e != NULL ? list_parse_entry(line, len, e, &parse_err) : -1;
        free(e);
        if (e == NULL) {
            netral_fail(err, NETRAL_E_NOMEM, "out of memory");
            goto done;
        }
        if (parsed != 0) goto unreadable;
    }
    if (out_write(o, line, len) != 0 || out_write(o, "\n", 1) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", out_path, strerror(errno));
        goto done;
    }
    if (o->total > MAX_LIST_BYTES) {
        netral_fail(err, NETRAL_E_TOO_LARGE, "the list would be over the limit of %u bytes", MAX_LIST_BYTES);
        goto done;
    }
    rc = 0;
    goto done;
unreadable:   /* a bug here, not in the spreadsheet */
    netral_fail(err, NETRAL_E_FORMAT, "internal error: a line import would refuse (%s): %.200s", parse_err.msg, line);
done:
    cJSON_free(line);
    return rc;
}

static cJSON *header_object(const builder *b)
{
    const build_options *opt = b->opt;
    char issued[ISOTIME_BYTES], expires[ISOTIME_BYTES];
    cJSON *h = cJSON_CreateObject(), *elections;
    isotime_format(opt->issued, issued);
    isotime_format(opt->expires, expires);
    cJSON_AddStringToObject(h, "format", LIST_FORMAT_NAME);
    json_add_integer(h, "format_version", LIST_FORMAT_VERSION);
    json_add_integer(h, "version", opt->version);
    cJSON_AddStringToObject(h, "issued", issued);
    cJSON_AddStringToObject(h, "expires", expires);
    cJSON_AddStringToObject(h, "issuer", opt->issuer);
    elections = cJSON_AddArrayToObject(h, "elections");
    if (opt->election_count > 0)
        for (size_t i = 0; i < opt->election_count; i++) cJSON_AddItemToArray(elections, cJSON_CreateString(opt->elections[i]));
    else
        for (size_t i = 0; i < b->election_count; i++) cJSON_AddItemToArray(elections, cJSON_CreateString(b->elections[i]));
    return h;
}

/* An entry: {"platform":..,"accounts":[..],"entity":{"name":..,...}} with the empty fields left out. */
static cJSON *entry_object(sqlite3_stmt *st)
{
    static const char *const FIELDS[5] = {"name", "role", "party", "election", "region"};
    cJSON *e = cJSON_CreateObject(), *entity;
    int platform = sqlite3_column_int(st, 1);
    cJSON_AddStringToObject(e, "platform", platform_name((netral_platform)platform));
    cJSON_AddArrayToObject(e, "accounts");
    entity = cJSON_AddObjectToObject(e, "entity");
    for (int i = 0; i < 5; i++) {
        const char *v = column_text(st, 2 + i);
        if (i == 0 || v[0] != '\0') cJSON_AddStringToObject(entity, FIELDS[i], v);
    }
    return e;
}

typedef struct {
    int64_t entries, accounts;
    int64_t per_platform[PLATFORM_COUNT];
} build_counts;

/* Writes the list to a temporary file beside OUT, then renames it over OUT. */
static int write_list(builder *b, build_counts *counts, netral_error *err)
{
    const char *out_path = b->opt->out;
    char tmp[4096];
    out_file *o = malloc(sizeof *o);
    sqlite3_stmt *st = NULL;
    cJSON *entry = NULL, *header = NULL;
    int64_t current = -1;
    int fd = -1, rc = -1, step, n;

    memset(counts, 0, sizeof *counts);
    if (o == NULL) return netral_fail(err, NETRAL_E_NOMEM, "out of memory");
    n = snprintf(tmp, sizeof tmp, "%s.tmp-%ld", out_path, os_process_id());
    if (n < 0 || (size_t)n >= sizeof tmp) {
        netral_fail(err, NETRAL_E_TOO_LARGE, "path too long: %s", out_path);
        goto done;
    }
    if (exec(b->db, "CREATE INDEX acc_by_grp ON acc (grp)", err) != 0 ||
        prepare(b->db,
                "SELECT g.id, g.platform, g.name, g.role, g.party, g.election, g.region, a.account"
                " FROM grp g JOIN acc a ON a.grp = g.id ORDER BY g.id, a.rowid",
                &st, err) != 0)
        goto done;
    (void)unlink(tmp);
    fd = os_create_new(tmp);
    if (fd < 0) {
        netral_fail(err, NETRAL_E_IO, "cannot create %s: %s", tmp, strerror(errno));
        goto done;
    }
    o->fd = fd;
    o->used = 0;
    o->total = 0;
    header = header_object(b);
    if (write_line(o, header, 1, out_path, err) != 0) goto done;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (id != current) {
            if (entry != NULL && write_line(o, entry, 0, out_path, err) != 0) goto done;
            cJSON_Delete(entry);
            entry = entry_object(st);
            current = id;
            counts->entries++;
            counts->per_platform[sqlite3_column_int(st, 1) % PLATFORM_COUNT]++;
        }
        cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(entry, "accounts"),
                             cJSON_CreateString(column_text(st, 7)));
        counts->accounts++;
    }
    if (step != SQLITE_DONE) {
        db_fail(err, b->db, "temporary database");
        goto done;
    }
    if (entry != NULL && write_line(o, entry, 0, out_path, err) != 0) goto done;
    if (out_flush(o) != 0 || os_sync_fd(fd) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", tmp, strerror(errno));
        goto done;
    }
    n = close(fd);
    fd = -1;
    if (n != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot write %s: %s", tmp, strerror(errno));
        goto done;
    }
    if (os_replace(tmp, out_path) != 0) {
        netral_fail(err, NETRAL_E_IO, "cannot replace %s: %s", out_path, strerror(errno));
        goto done;
    }
    rc = fsync_parent_dir(out_path, err);
done:
    if (fd >= 0) close(fd);
    if (rc != 0) (void)unlink(tmp);
    cJSON_Delete(entry);
    cJSON_Delete(header);
    sqlite3_finalize(st);
    free(o);
    return rc;
}

/* The default output: FILE.csv -> FILE.jsonl (any other name gets .jsonl added). */
static char *default_output(const char *csv)
{
    size_t n = strlen(csv);
    char *out = malloc(n + 7);
    if (out == NULL) return NULL;
    if (n > 4 && (strcmp(csv + n - 4, ".csv") == 0 || strcmp(csv + n - 4, ".CSV") == 0)) n -= 4;
    memcpy(out, csv, n);
    memcpy(out + n, ".jsonl", 7);
    return out;
}

static int same_file(const char *a, const char *b)
{
    os_file_id ia, ib;
    if (strcmp(a, b) == 0) return 1;
    return os_file_identity(a, &ia) == 0 && os_file_identity(b, &ib) == 0 && ia.volume == ib.volume &&
           ia.file == ib.file;
}

static void print_build_result(const builder *b, const build_counts *c)
{
    const build_options *opt = b->opt;
    char expires[ISOTIME_BYTES];
    isotime_format(opt->expires, expires);
    printf("Wrote %s: list version %lld from %s, %lld entries (", opt->out, (long long)opt->version, opt->issuer,
           (long long)c->entries);
    for (int p = 0, first = 1; p < PLATFORM_COUNT; p++) {
        if (c->per_platform[p] == 0) continue;
        printf("%s%s %lld", first ? "" : ", ", platform_name((netral_platform)p), (long long)c->per_platform[p]);
        first = 0;
    }
    printf(") with %lld accounts, from %llu rows; expires %s.\n", (long long)c->accounts, (unsigned long long)b->rows,
           expires);
    printf("Elections:");
    if (opt->election_count > 0)
        for (size_t i = 0; i < opt->election_count; i++) printf("%s %s", i ? ";" : "", opt->elections[i]);
    else
        for (size_t i = 0; i < b->election_count; i++) printf("%s %s", i ? ";" : "", b->elections[i]);
    printf("\nNext: netral list diff LAST-PUBLISHED.jsonl %s, then netral sign -s KEY -m %s\n", opt->out, opt->out);
}

static int run_build(build_options *opt)
{
    builder *b = calloc(1, sizeof *b);
    problem_list *problems = calloc(1, sizeof *problems), *warnings = calloc(1, sizeof *warnings);
    build_counts counts;
    netral_error err;
    int status = EXIT_FAILED, fatal = 0;

    if (b == NULL || problems == NULL || warnings == NULL) {
        fprintf(stderr, "netral: out of memory\n");
        goto done;
    }
    b->opt = opt;
    b->problems = problems;
    b->warnings = warnings;
    if (builder_prepare(b, &err) != 0 || read_csv(b, &err) != 0) goto failed;
    if (problems->count == 0 && opt->election_count == 0 && b->election_count == 0)
        report(problems, opt->csv, 0, 0, NULL,
               "no election: fill the election (pemilihan) column, or name the elections with --election");
    if (problems->count > 0) goto refused;
    if (write_list(b, &counts, &err) != 0) goto failed;
    status = EXIT_OK;
    print_problems(warnings, "warning: ", "warnings");
    if (opt->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddTrueToObject(o, "ok");
        json_add_text(o, "file", opt->out);
        json_add_integer(o, "version", opt->version);
        json_add_integer(o, "entries", counts.entries);
        json_add_integer(o, "accounts", counts.accounts);
        json_add_integer(o, "rows", (int64_t)b->rows);
        cJSON_AddItemToObject(o, "warnings", problems_json(warnings));
        print_json(o);
        cJSON_Delete(o);
    } else {
        print_build_result(b, &counts);
    }
    goto done;
failed:   /* not the spreadsheet's fault: a file or the temporary database */
    fatal = 1;
refused:
    print_problems(problems, "", "problems");
    print_problems(warnings, "warning: ", "warnings");
    if (fatal) fprintf(stderr, "netral: %s\n", err.msg);
    if (opt->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddFalseToObject(o, "ok");
        if (fatal) {
            cJSON *e = cJSON_AddObjectToObject(o, "error");
            cJSON_AddStringToObject(e, "code", netral_code_name(err.code));
            json_add_text(e, "message", err.msg);
        }
        cJSON_AddItemToObject(o, "problems", problems_json(problems));
        cJSON_AddBoolToObject(o, "more_problems", problems->more);
        cJSON_AddItemToObject(o, "warnings", problems_json(warnings));
        print_json(o);
        cJSON_Delete(o);
    }
    if (problems->count > 0)
        fprintf(stderr, "netral: %s not written: %zu problem%s%s\n", opt->out, problems->count,
                problems->count == 1 ? "" : "s", problems->more ? " shown, and more" : "");
    else
        fprintf(stderr, "netral: %s not written\n", opt->out);
done:
    if (b != NULL) builder_close(b);
    free(b);
    free(problems);
    free(warnings);
    return status;
}

static int list_build(int argc, char **argv)
{
    static const struct option OPTIONS[] = {
        {"version", required_argument, NULL, OPT_VERSION}, {"issuer", required_argument, NULL, OPT_ISSUER},
        {"election", required_argument, NULL, OPT_ELECTION}, {"issued", required_argument, NULL, OPT_ISSUED},
        {"expires", required_argument, NULL, OPT_EXPIRES}, {"separator", required_argument, NULL, OPT_SEPARATOR},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    build_options opt;
    char *default_out = NULL;
    int have_version = 0, have_issued = 0, have_expires = 0, opt_char, status = EXIT_USAGE;

    memset(&opt, 0, sizeof opt);
    opt.separator = ',';
    optind = 1;
    while ((opt_char = getopt_long(argc, argv, "o:h", OPTIONS, NULL)) != -1) {
        switch (opt_char) {
        case 'o': opt.out = optarg; break;
        case OPT_VERSION:
            if (parse_version_option(optarg, &opt.version) != 0) return EXIT_USAGE;
            have_version = 1;
            break;
        case OPT_ISSUER:
            if (!text_option_ok("--issuer", optarg)) return EXIT_USAGE;
            opt.issuer = optarg;
            break;
        case OPT_ELECTION:
            if (!text_option_ok("--election", optarg)) return EXIT_USAGE;
            if (election_given(&opt, (slice){optarg, strlen(optarg)})) break;
            if (opt.election_count == MAX_ELECTIONS) {
                fprintf(stderr, "netral: more than %u --election values: a list covers at most %u\n", MAX_ELECTIONS,
                        MAX_ELECTIONS);
                return EXIT_USAGE;
            }
            opt.elections[opt.election_count++] = optarg;
            break;
        case OPT_ISSUED:
            if (parse_time_option("--issued", optarg, &opt.issued) != 0) return EXIT_USAGE;
            have_issued = 1;
            break;
        case OPT_EXPIRES:
            if (parse_time_option("--expires", optarg, &opt.expires) != 0) return EXIT_USAGE;
            have_expires = 1;
            break;
        case OPT_SEPARATOR:
            if (strcmp(optarg, ",") != 0 && strcmp(optarg, ";") != 0) {
                fprintf(stderr, "netral: --separator is ',' or ';'\n");
                return EXIT_USAGE;
            }
            opt.separator = optarg[0];
            break;
        case OPT_JSON: opt.json = 1; break;
        case 'h': return usage(BUILD_USAGE, EXIT_OK);
        default: return usage(BUILD_USAGE, EXIT_USAGE);
        }
    }
    if (optind != argc - 1) return usage(BUILD_USAGE, EXIT_USAGE);
    opt.csv = argv[optind];
    if (!have_version || opt.issuer == NULL || !have_expires) {
        fprintf(stderr, "netral: list build needs%s%s%s\n\n", have_version ? "" : " --version",
                opt.issuer ? "" : " --issuer", have_expires ? "" : " --expires");
        return usage(BUILD_USAGE, EXIT_USAGE);
    }
    if (!have_issued) opt.issued = netral_now();
    if (opt.expires <= netral_now()) {
        fprintf(stderr, "netral: --expires is in the past: import would refuse the list as expired\n");
        return EXIT_USAGE;
    }
    if (opt.expires <= opt.issued) {
        fprintf(stderr, "netral: --expires must be after --issued\n");
        return EXIT_USAGE;
    }
    if (opt.out == NULL) {
        opt.out = default_out = default_output(opt.csv);
        if (default_out == NULL) {
            fprintf(stderr, "netral: out of memory\n");
            return EXIT_FAILED;
        }
    }
    if (same_file(opt.csv, opt.out)) {
        fprintf(stderr, "netral: the list %s would replace the spreadsheet it is made from\n", opt.out);
        status = EXIT_USAGE;
    } else {
        status = run_build(&opt);
    }
    free(default_out);
    return status;
}

/* ---- diff ---- */

static const char DIFF_USAGE[] =
    "usage: netral list diff OLD.jsonl NEW.jsonl [--json]\n"
    "What changed from list OLD to list NEW (say, the last published list and the next one): the\n"
    "header (version, dates, issuer, elections), then per platform the accounts added, removed, and\n"
    "those whose entity changed (old -> new), with counts. Accounts are compared in their canonical\n"
    "form (docs/accounts.md): a profile URL in one list and @name in the other are the same account.\n"
    "Both lists are read as import reads them; signatures and dates are not checked.\n"
    "  --json   the same, as JSON\n"
    "Exit status: 0 no differences, 1 the lists differ, 2 a list cannot be read (or usage).\n";

/* diff(1)'s exit statuses */
enum { DIFF_SAME = 0, DIFF_DIFFERENT = 1, DIFF_TROUBLE = 2 };

enum { CHANGE_ADDED = 0, CHANGE_REMOVED, CHANGE_CHANGED, CHANGE_KINDS };
static const char *const CHANGE_NAMES[CHANGE_KINDS] = {"added", "removed", "changed"};

typedef struct {
    const char *path;
    list_header header;
    int64_t entries, accounts;
} list_side;

typedef struct {
    sqlite3 *db;
    sqlite3_stmt *add_entity, *add_account;
    list_side side[2];
    problem_list *problems;
    int64_t counts[PLATFORM_COUNT][CHANGE_KINDS], totals[CHANGE_KINDS];
} differ;

static const char DIFF_SCHEMA[] =
    "CREATE TABLE entity (id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, party TEXT NOT NULL,"
    "  election TEXT NOT NULL, region TEXT NOT NULL);"
    "CREATE TABLE acc (platform INTEGER NOT NULL, account TEXT NOT NULL, side INTEGER NOT NULL,"
    "  line INTEGER NOT NULL, digest BLOB NOT NULL, entity INTEGER NOT NULL);"
    "CREATE TABLE change (platform INTEGER NOT NULL, kind INTEGER NOT NULL, account TEXT NOT NULL,"
    "  old INTEGER, new INTEGER);"
    "BEGIN;";

static void entity_digest(const list_entity *e, unsigned char out[ENTITY_DIGEST_BYTES])
{
    const char *fields[5] = {e->name, e->role, e->party, e->election, e->region};
    crypto_generichash_state state;
    crypto_generichash_init(&state, NULL, 0, ENTITY_DIGEST_BYTES);
    for (int i = 0; i < 5; i++)   /* each with its NUL: no field holds one, so the split is unambiguous */
        crypto_generichash_update(&state, (const unsigned char *)fields[i], strlen(fields[i]) + 1);
    crypto_generichash_final(&state, out, ENTITY_DIGEST_BYTES);
}

static int add_entry(differ *d, int side, uint64_t line, const list_entry *e, netral_error *err)
{
    const list_entity *en = &e->entity;
    const char *fields[5] = {en->name, en->role, en->party, en->election, en->region};
    unsigned char digest[ENTITY_DIGEST_BYTES];
    for (int i = 0; i < 5; i++) sqlite3_bind_text(d->add_entity, i + 1, fields[i], -1, SQLITE_STATIC);
    if (step_done(d->db, d->add_entity, err) != 0) return -1;
    sqlite3_int64 entity = sqlite3_last_insert_rowid(d->db);
    entity_digest(en, digest);
    for (size_t i = 0; i < e->account_count; i++) {
        sqlite3_bind_int(d->add_account, 1, e->accounts[i].platform);
        sqlite3_bind_text(d->add_account, 2, e->accounts[i].account, -1, SQLITE_STATIC);
        sqlite3_bind_int(d->add_account, 3, side);
        sqlite3_bind_int64(d->add_account, 4, (sqlite3_int64)line);
        sqlite3_bind_blob(d->add_account, 5, digest, sizeof digest, SQLITE_STATIC);
        sqlite3_bind_int64(d->add_account, 6, entity);
        if (step_done(d->db, d->add_account, err) != 0) return -1;
    }
    return 0;
}

/* Reads list SIDE (0 the old, 1 the new) as import does, into the scratch database. */
static int load_list(differ *d, int side, netral_error *err)
{
    list_side *s = &d->side[side];
    line_reader *r = malloc(sizeof *r);
    list_entry *e = malloc(sizeof *e);
    netral_error why;
    struct stat st;
    const char *line;
    size_t len;
    uint64_t bytes = 0;
    int fd = -1, rc = -1, got;

    if (r == NULL || e == NULL) {
        netral_fail(err, NETRAL_E_NOMEM, "out of memory");
        goto done;
    }
    fd = os_open_read(s->path);
    if (fd < 0) {
        netral_fail(err, NETRAL_E_IO, "cannot open %s: %s", s->path, strerror(errno));
        goto done;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        netral_fail(err, NETRAL_E_IO, "%s is not a regular file", s->path);
        goto done;
    }
    if ((unsigned long long)st.st_size > MAX_LIST_BYTES) {
        netral_fail(err, NETRAL_E_TOO_LARGE, "%s is %lld bytes, over the limit of %u", s->path, (long long)st.st_size,
                    MAX_LIST_BYTES);
        goto done;
    }
    line_reader_init(r, fd);
    got = line_reader_next(r, &line, &len, &why);
    if (got == 0) netral_fail(err, NETRAL_E_FORMAT, "%s: the list is empty", s->path);
    if (got <= 0) {
        if (got < 0) netral_fail(err, why.code, "%s: %s", s->path, why.msg);
        goto done;
    }
    if (list_parse_header(line, len, &s->header, &why) != 0) {
        netral_fail(err, why.code, "%s:1: %s", s->path, why.msg);
        goto done;
    }
    while ((got = line_reader_next(r, &line, &len, &why)) == 1) {
        bytes += len + 1;
        if (bytes > MAX_LIST_BYTES) {
            netral_fail(err, NETRAL_E_TOO_LARGE, "%s is over the limit of %u bytes", s->path, MAX_LIST_BYTES);
            goto done;
        }
        if (list_parse_entry(line, len, e, &why) != 0) {
            netral_fail(err, why.code, "%s:%llu: %s", s->path, (unsigned long long)r->line_number, why.msg);
            goto done;
        }
        if (++s->entries > (int64_t)MAX_LIST_ENTRIES) {
            netral_fail(err, NETRAL_E_TOO_LARGE, "%s:%llu: more than %u entries", s->path,
                        (unsigned long long)r->line_number, MAX_LIST_ENTRIES);
            goto done;
        }
        s->accounts += (int64_t)e->account_count;
        if (add_entry(d, side, r->line_number, e, err) != 0) goto done;
    }
    if (got < 0) {
        netral_fail(err, why.code, "%s: %s", s->path, why.msg);
        goto done;
    }
    rc = 0;
done:
    if (fd >= 0) close(fd);
    free(e);
    free(r);
    return rc;
}

typedef struct {
    int present;
    int64_t line, entity;
    unsigned char digest[ENTITY_DIGEST_BYTES];
} side_row;

static int record_change(differ *d, sqlite3_stmt *add, int platform, const char *account, const side_row rows[2],
                         netral_error *err)
{
    int kind;
    if (rows[0].present && rows[1].present) {
        if (memcmp(rows[0].digest, rows[1].digest, ENTITY_DIGEST_BYTES) == 0) return 0;
        kind = CHANGE_CHANGED;
    } else {
        kind = rows[1].present ? CHANGE_ADDED : CHANGE_REMOVED;
    }
    sqlite3_bind_int(add, 1, platform);
    sqlite3_bind_int(add, 2, kind);
    sqlite3_bind_text(add, 3, account, -1, SQLITE_TRANSIENT);
    if (rows[0].present) sqlite3_bind_int64(add, 4, rows[0].entity);
    else sqlite3_bind_null(add, 4);
    if (rows[1].present) sqlite3_bind_int64(add, 5, rows[1].entity);
    else sqlite3_bind_null(add, 5);
    if (step_done(d->db, add, err) != 0) return -1;
    d->counts[platform][kind]++;
    d->totals[kind]++;
    return 0;
}

/* One pass over both lists' accounts in (platform, account) order: each account is in the old list,
 * the new one or both; one listed twice in the same list is a problem (import refuses it). */
static int compare(differ *d, netral_error *err)
{
    sqlite3_stmt *scan = NULL, *add = NULL;
    side_row rows[2];
    char account[MAX_CANONICAL_ACCOUNT_BYTES] = "";
    int platform = -1, step, rc = -1;

    memset(rows, 0, sizeof rows);
    if (exec(d->db, "CREATE INDEX acc_key ON acc (platform, account, side, line, digest, entity)", err) != 0 ||
        prepare(d->db, "SELECT platform, account, side, line, digest, entity FROM acc ORDER BY platform, account, side, line",
                &scan, err) != 0 ||
        prepare(d->db, "INSERT INTO change (platform, kind, account, old, new) VALUES (?1, ?2, ?3, ?4, ?5)", &add, err) != 0)
        goto done;
    while ((step = sqlite3_step(scan)) == SQLITE_ROW) {
        int p = sqlite3_column_int(scan, 0);
        const char *a = column_text(scan, 1);
        int side = sqlite3_column_int(scan, 2) != 0;
        int64_t line = sqlite3_column_int64(scan, 3);
        const void *digest = sqlite3_column_blob(scan, 4);
        if (p < 0 || p >= PLATFORM_COUNT || digest == NULL || sqlite3_column_bytes(scan, 4) != ENTITY_DIGEST_BYTES ||
            strlen(a) >= sizeof account) {
            netral_fail(err, NETRAL_E_DATABASE, "temporary database: unexpected row");
            goto done;
        }
        if (p != platform || strcmp(a, account) != 0) {
            if (platform >= 0 && record_change(d, add, platform, account, rows, err) != 0) goto done;
            platform = p;
            strcpy(account, a);
            memset(rows, 0, sizeof rows);
        }
        if (rows[side].present) {
            if (rows[side].line == line)
                report(d->problems, d->side[side].path, (uint64_t)line, 0, NULL,
                       "%s %s is listed twice in this entry: import refuses such a list", platform_name((netral_platform)p), a);
            else
                report(d->problems, d->side[side].path, (uint64_t)line, 0, NULL,
                       "%s %s is listed twice, on lines %lld and %lld: import refuses such a list",
                       platform_name((netral_platform)p), a, (long long)rows[side].line, (long long)line);
            continue;
        }
        rows[side].present = 1;
        rows[side].line = line;
        rows[side].entity = sqlite3_column_int64(scan, 5);
        memcpy(rows[side].digest, digest, ENTITY_DIGEST_BYTES);
    }
    if (step != SQLITE_DONE) {
        db_fail(err, d->db, "temporary database");
        goto done;
    }
    if (platform >= 0 && record_change(d, add, platform, account, rows, err) != 0) goto done;
    rc = exec(d->db, "CREATE INDEX change_by_kind ON change (platform, kind)", err);
done:
    sqlite3_finalize(scan);
    sqlite3_finalize(add);
    return rc;
}

/* ---- diff: the report ---- */

typedef enum { FIELD_VERSION, FIELD_ISSUED, FIELD_EXPIRES, FIELD_ISSUER, FIELD_ELECTIONS, HEADER_FIELDS } header_field;
static const char *const HEADER_FIELD_NAMES[HEADER_FIELDS] = {"version", "issued", "expires", "issuer", "elections"};

/* The header field as text (a number, a time, the issuer, the elections' JSON array). */
static const char *header_value(const list_header *h, header_field f, char *buf, size_t size)
{
    switch (f) {
    case FIELD_VERSION: snprintf(buf, size, "%lld", (long long)h->version); return buf;
    case FIELD_ISSUED: isotime_format(h->issued, buf); return buf;
    case FIELD_EXPIRES: isotime_format(h->expires, buf); return buf;
    case FIELD_ISSUER: return h->issuer;
    default: return h->elections_json;
    }
}

static int header_changed(const differ *d, header_field f)
{
    char a[64], b[64];
    return strcmp(header_value(&d->side[0].header, f, a, sizeof a), header_value(&d->side[1].header, f, b, sizeof b)) != 0;
}

static int lists_identical(const differ *d)
{
    for (int f = 0; f < HEADER_FIELDS; f++)
        if (header_changed(d, (header_field)f)) return 0;
    return d->totals[CHANGE_ADDED] + d->totals[CHANGE_REMOVED] + d->totals[CHANGE_CHANGED] == 0;
}

/* "Name (role; party; election; region)" with the empty fields left out, from five columns of ST. */
static void print_entity(sqlite3_stmt *st, int first)
{
    const char *name = column_text(st, first);
    int open = 0;
    fputs(name, stdout);
    for (int i = 1; i < 5; i++) {
        const char *v = column_text(st, first + i);
        if (v[0] == '\0') continue;
        fputs(open ? "; " : " (", stdout);
        fputs(v, stdout);
        open = 1;
    }
    if (open) fputc(')', stdout);
}

static cJSON *entity_json(sqlite3_stmt *st, int first)
{
    static const char *const FIELDS[5] = {"name", "role", "party", "election", "region"};
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < 5; i++) cJSON_AddStringToObject(o, FIELDS[i], column_text(st, first + i));
    return o;
}

static const char CHANGES_SQL[] =
    "SELECT c.account, o.name, o.role, o.party, o.election, o.region, n.name, n.role, n.party, n.election, n.region"
    " FROM change c LEFT JOIN entity o ON o.id = c.old LEFT JOIN entity n ON n.id = c.new"
    " WHERE c.platform = ?1 AND c.kind = ?2 ORDER BY c.rowid";

static void print_counts(const int64_t counts[CHANGE_KINDS])
{
    int first = 1;
    for (int k = 0; k < CHANGE_KINDS; k++) {
        if (counts[k] == 0) continue;
        printf("%s%lld %s", first ? "" : ", ", (long long)counts[k], CHANGE_NAMES[k]);
        first = 0;
    }
    if (first) printf("no changes");
}

static int print_text_report(differ *d, sqlite3_stmt *changes, netral_error *err)
{
    const list_side *a = &d->side[0], *b = &d->side[1];
    int header_changes = 0;

    printf("old: %s, version %lld, %lld entries with %lld accounts\n", a->path, (long long)a->header.version,
           (long long)a->entries, (long long)a->accounts);
    printf("new: %s, version %lld, %lld entries with %lld accounts\n", b->path, (long long)b->header.version,
           (long long)b->entries, (long long)b->accounts);
    if (lists_identical(d)) {
        printf("\nNo differences: the same header, the same accounts of the same entities.\n");
        return 0;
    }
    printf("\nHeader:\n");
    for (int f = 0; f < HEADER_FIELDS; f++) {
        char va[64], vb[64];
        if (!header_changed(d, (header_field)f)) continue;
        printf("  %-10s %s → %s\n", HEADER_FIELD_NAMES[f], header_value(&a->header, (header_field)f, va, sizeof va),
               header_value(&b->header, (header_field)f, vb, sizeof vb));
        header_changes++;
    }
    if (header_changes == 0) printf("  unchanged\n");
    if (b->header.version <= a->header.version)
        printf("  (the new version is not greater than the old one: import refuses it where the old list is installed)\n");
    printf("\nAccounts: ");
    print_counts(d->totals);
    printf("\n");
    for (int p = 0; p < PLATFORM_COUNT; p++) {
        const int64_t *counts = d->counts[p];
        if (counts[CHANGE_ADDED] + counts[CHANGE_REMOVED] + counts[CHANGE_CHANGED] == 0) continue;
        printf("\n%s: ", platform_name((netral_platform)p));
        print_counts(counts);
        printf("\n");
        for (int k = 0; k < CHANGE_KINDS; k++) {
            int step;
            if (counts[k] == 0) continue;
            printf("  %s (%lld):\n", CHANGE_NAMES[k], (long long)counts[k]);
            sqlite3_bind_int(changes, 1, p);
            sqlite3_bind_int(changes, 2, k);
            while ((step = sqlite3_step(changes)) == SQLITE_ROW) {
                printf("    %c %s  ", "+-~"[k], column_text(changes, 0));
                if (k == CHANGE_ADDED) {
                    print_entity(changes, 6);
                } else {
                    print_entity(changes, 1);
                    if (k == CHANGE_CHANGED) {
                        fputs(" → ", stdout);
                        print_entity(changes, 6);
                    }
                }
                fputc('\n', stdout);
            }
            sqlite3_reset(changes);
            if (step != SQLITE_DONE) return db_fail(err, d->db, "temporary database");
        }
    }
    return 0;
}

static cJSON *side_json(const list_side *s)
{
    char issued[ISOTIME_BYTES], expires[ISOTIME_BYTES];
    cJSON *o = cJSON_CreateObject();
    isotime_format(s->header.issued, issued);
    isotime_format(s->header.expires, expires);
    json_add_text(o, "file", s->path);
    json_add_integer(o, "version", s->header.version);
    cJSON_AddStringToObject(o, "issued", issued);
    cJSON_AddStringToObject(o, "expires", expires);
    cJSON_AddStringToObject(o, "issuer", s->header.issuer);
    cJSON_AddItemToObject(o, "elections", cJSON_Parse(s->header.elections_json));
    json_add_integer(o, "entries", s->entries);
    json_add_integer(o, "accounts", s->accounts);
    return o;
}

static void put_json(cJSON *o)
{
    char *text = cJSON_PrintUnformatted(o);
    if (text != NULL) fputs(text, stdout);
    cJSON_free(text);
    cJSON_Delete(o);
}

static cJSON *counts_json(const int64_t counts[CHANGE_KINDS])
{
    cJSON *o = cJSON_CreateObject();
    for (int k = 0; k < CHANGE_KINDS; k++) json_add_integer(o, CHANGE_NAMES[k], counts[k]);
    return o;
}

/* The JSON report, written as it goes: the lists of changes can be as long as the lists. */
static int print_json_report(differ *d, sqlite3_stmt *changes, netral_error *err)
{
    cJSON *header = cJSON_CreateObject();
    int first_platform = 1;

    for (int f = 0; f < HEADER_FIELDS; f++) {
        cJSON *change;
        if (!header_changed(d, (header_field)f)) continue;
        change = cJSON_AddObjectToObject(header, HEADER_FIELD_NAMES[f]);
        for (int s = 0; s < 2; s++) {
            const list_header *h = &d->side[s].header;
            const char *name = s == 0 ? "old" : "new";
            char buf[ISOTIME_BYTES];
            if (f == FIELD_VERSION) json_add_integer(change, name, h->version);
            else if (f == FIELD_ELECTIONS) cJSON_AddItemToObject(change, name, cJSON_Parse(h->elections_json));
            else cJSON_AddStringToObject(change, name, header_value(h, (header_field)f, buf, sizeof buf));
        }
    }
    printf("{\"identical\":%s,\n\"old\":", lists_identical(d) ? "true" : "false");
    put_json(side_json(&d->side[0]));
    printf(",\n\"new\":");
    put_json(side_json(&d->side[1]));
    printf(",\n\"header_changes\":");
    put_json(header);
    printf(",\n\"counts\":");
    put_json(counts_json(d->totals));
    printf(",\n\"platforms\":{");
    for (int p = 0; p < PLATFORM_COUNT; p++) {
        const int64_t *counts = d->counts[p];
        if (counts[CHANGE_ADDED] + counts[CHANGE_REMOVED] + counts[CHANGE_CHANGED] == 0) continue;
        printf("%s\n\"%s\":{\"counts\":", first_platform ? "" : ",", platform_name((netral_platform)p));
        put_json(counts_json(counts));
        first_platform = 0;
        for (int k = 0; k < CHANGE_KINDS; k++) {
            int step, first = 1;
            printf(",\"%s\":[", CHANGE_NAMES[k]);
            sqlite3_bind_int(changes, 1, p);
            sqlite3_bind_int(changes, 2, k);
            while ((step = sqlite3_step(changes)) == SQLITE_ROW) {
                cJSON *item = cJSON_CreateObject();
                cJSON_AddStringToObject(item, "account", column_text(changes, 0));
                if (k == CHANGE_ADDED) {
                    cJSON_AddItemToObject(item, "entity", entity_json(changes, 6));
                } else if (k == CHANGE_REMOVED) {
                    cJSON_AddItemToObject(item, "entity", entity_json(changes, 1));
                } else {
                    cJSON_AddItemToObject(item, "old", entity_json(changes, 1));
                    cJSON_AddItemToObject(item, "new", entity_json(changes, 6));
                }
                fputs(first ? "\n" : ",\n", stdout);
                put_json(item);
                first = 0;
            }
            sqlite3_reset(changes);
            if (step != SQLITE_DONE) return db_fail(err, d->db, "temporary database");
            fputs("]", stdout);
        }
        fputs("}", stdout);
    }
    printf("}}\n");
    return 0;
}

static int list_diff(int argc, char **argv)
{
    static const struct option OPTIONS[] = {
        {"json", no_argument, NULL, OPT_JSON}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    differ *d = NULL;
    sqlite3_stmt *changes = NULL;
    netral_error err;
    int json = 0, opt, status = DIFF_TROUBLE;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", OPTIONS, NULL)) != -1) {
        if (opt == OPT_JSON) json = 1;
        else return usage(DIFF_USAGE, opt == 'h' ? EXIT_OK : EXIT_USAGE);
    }
    if (optind != argc - 2) return usage(DIFF_USAGE, EXIT_USAGE);
    d = calloc(1, sizeof *d);
    if (d == NULL) {
        fprintf(stderr, "netral: out of memory\n");
        return DIFF_TROUBLE;
    }
    d->side[0].path = argv[optind];
    d->side[1].path = argv[optind + 1];
    d->problems = calloc(1, sizeof *d->problems);
    if (d->problems == NULL) {
        netral_fail(&err, NETRAL_E_NOMEM, "out of memory");
        goto failed;
    }
    if (scratch_open(&d->db, DIFF_SCHEMA, &err) != 0 ||
        prepare(d->db, "INSERT INTO entity (name, role, party, election, region) VALUES (?1, ?2, ?3, ?4, ?5)",
                &d->add_entity, &err) != 0 ||
        prepare(d->db, "INSERT INTO acc (platform, account, side, line, digest, entity) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                &d->add_account, &err) != 0 ||
        load_list(d, 0, &err) != 0 || load_list(d, 1, &err) != 0 || compare(d, &err) != 0)
        goto failed;
    if (d->problems->count > 0) goto refused;
    if (prepare(d->db, CHANGES_SQL, &changes, &err) != 0) goto failed;
    if ((json ? print_json_report(d, changes, &err) : print_text_report(d, changes, &err)) != 0) goto failed;
    if (fflush(stdout) != 0) {
        fprintf(stderr, "netral: cannot write the report: %s\n", strerror(errno));
        goto done;
    }
    status = lists_identical(d) ? DIFF_SAME : DIFF_DIFFERENT;
    goto done;
failed:
    fprintf(stderr, "netral: %s\n", err.msg);
    if (json) {
        cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
        cJSON_AddStringToObject(e, "code", netral_code_name(err.code));
        json_add_text(e, "message", err.msg);
        print_json(o);
        cJSON_Delete(o);
    }
    goto done;
refused:
    print_problems(d->problems, "", "problems");
    if (json) {
        cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
        cJSON_AddStringToObject(e, "code", "format");
        cJSON_AddStringToObject(e, "message", "an account is listed twice");
        cJSON_AddItemToObject(o, "problems", problems_json(d->problems));
        print_json(o);
        cJSON_Delete(o);
    }
done:
    sqlite3_finalize(changes);
    if (d != NULL) {
        sqlite3_finalize(d->add_entity);
        sqlite3_finalize(d->add_account);
        sqlite3_close(d->db);
        free(d->problems);
    }
    free(d);
    return status;
}

/* ---- netral list ---- */

static const char LIST_USAGE[] =
    "usage: netral list build FILE.csv --version N --issuer TEXT --expires TIME [-o LIST.jsonl] [...]\n"
    "       netral list diff OLD.jsonl NEW.jsonl [--json]\n"
    "The list authority's tools (docs/list-authoring.md):\n"
    "  build   turn the spreadsheet of campaign accounts, saved as CSV, into a list to sign\n"
    "  diff    what changed from one list to the next: header, accounts added, removed, changed\n"
    "`netral list build --help` and `netral list diff --help` explain each.\n";

int cli_list_tools(int argc, char **argv)
{
    if (argc < 2) return usage(LIST_USAGE, EXIT_USAGE);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)
        return usage(LIST_USAGE, EXIT_OK);
    if (strcmp(argv[1], "build") == 0) return list_build(argc - 1, argv + 1);
    if (strcmp(argv[1], "diff") == 0) return list_diff(argc - 1, argv + 1);
    fprintf(stderr, "netral list: unknown command '%s'\n\n", argv[1]);
    return usage(LIST_USAGE, EXIT_USAGE);
}
