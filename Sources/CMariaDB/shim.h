// MariaDB Connector/C (Debian libmariadb-dev, pkg-config libmariadb): the MySQL/MariaDB
// client library behind the state store's MySQL backend.
#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
