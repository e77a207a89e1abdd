#!/bin/sh
# See dp.sh.
exec "$srcdir/test/default_pager/dp.sh" pattern
