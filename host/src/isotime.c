#include "isotime.h"

#include <stdio.h>
#include <time.h>

static int read_digits(const char *p, int count, int *out)
{
    int v = 0;
    for (int i = 0; i < count; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days from 1970-01-01 to the given civil date (proleptic Gregorian), valid for all years here. */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int isotime_parse(const char *text, size_t len, int64_t *out)
{
    int y, mo, d, h, mi, s;
    if (len != 20) return -1;
    if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
        text[16] != ':' || text[19] != 'Z')
        return -1;
    if (read_digits(text, 4, &y) || read_digits(text + 5, 2, &mo) || read_digits(text + 8, 2, &d) ||
        read_digits(text + 11, 2, &h) || read_digits(text + 14, 2, &mi) || read_digits(text + 17, 2, &s))
        return -1;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59)
        return -1;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
    return 0;
}

void isotime_format(int64_t seconds, char out[ISOTIME_BYTES])
{
    time_t t = (time_t)seconds;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(out, ISOTIME_BYTES, "%Y-%m-%dT%H:%M:%SZ", &tm) != ISOTIME_BYTES - 1)
        snprintf(out, ISOTIME_BYTES, "%s", "1970-01-01T00:00:00Z");
}
