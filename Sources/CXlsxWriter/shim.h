#ifndef DINGSYNC_CXLSXWRITER_SHIM_H
#define DINGSYNC_CXLSXWRITER_SHIM_H
// libxlsxwriter (Debian libxlsxwriter-dev): writes real .xlsx files with formats and native charts.
#include <xlsxwriter.h>
#endif
