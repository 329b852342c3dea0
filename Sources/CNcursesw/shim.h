#ifndef KWARTIER_NCURSESW_SHIM_H
#define KWARTIER_NCURSESW_SHIM_H
// The wide-character API (cchar_t, setcchar, mvwaddwstr) is hidden unless this is set first.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <ncurses.h>
#include <term.h>
#include <sys/ioctl.h>
#include <unistd.h>

// Swift cannot import function-like macros or the ACS_* array lookups: wrap them.
static inline chtype kw_acs_hline(void) { return ACS_HLINE; }
static inline chtype kw_acs_vline(void) { return ACS_VLINE; }
static inline chtype kw_acs_ulcorner(void) { return ACS_ULCORNER; }
static inline chtype kw_acs_urcorner(void) { return ACS_URCORNER; }
static inline chtype kw_acs_llcorner(void) { return ACS_LLCORNER; }
static inline chtype kw_acs_lrcorner(void) { return ACS_LRCORNER; }
static inline chtype kw_acs_ltee(void) { return ACS_LTEE; }
static inline chtype kw_acs_rtee(void) { return ACS_RTEE; }
static inline chtype kw_acs_ckboard(void) { return ACS_CKBOARD; }
static inline chtype kw_acs_block(void) { return ACS_BLOCK; }

static const attr_t KW_A_NORMAL = A_NORMAL;
static const attr_t KW_A_BOLD = A_BOLD;
static const attr_t KW_A_REVERSE = A_REVERSE;
static const attr_t KW_A_UNDERLINE = A_UNDERLINE;
static const attr_t KW_A_DIM = A_DIM;

static inline attr_t kw_color_pair(short n) { return COLOR_PAIR(n); }
static inline int kw_lines(void) { return LINES; }
static inline int kw_cols(void) { return COLS; }
static inline WINDOW *kw_stdscr(void) { return stdscr; }
static inline WINDOW *kw_curscr(void) { return curscr; }
static inline int kw_colors(void) { return COLORS; }
static inline int kw_color_pairs(void) { return COLOR_PAIRS; }

// ioctl is variadic (Swift cannot call it): the terminal's size, 0 on success.
static inline int kw_winsize(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) return -1;
    *rows = ws.ws_row; *cols = ws.ws_col;
    return 0;
}
// tigetstr returns (char *)-1 for "not a string capability": say plainly whether it is usable.
static inline int kw_has_string_cap(const char *name) {
    char *s = tigetstr(name);
    return s != NULL && s != (char *)-1 && s[0] != 0;
}
#endif
