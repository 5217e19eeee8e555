#!/bin/bash
# Stops and deletes the scratch cluster start.sh made (only that one: /tmp/pgplan-scratch).
D=/tmp/pgplan-scratch; R=""; [ "$(id -u)" = 0 ] && R="runuser -u postgres --"
$R /usr/lib/postgresql/15/bin/pg_ctl -D $D/data -m fast -w stop && rm -rf $D
