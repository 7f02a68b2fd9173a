#!/usr/bin/env bash
# WordPress 6.1 peer for bench/http.sh, from Debian's packages (wordpress, php-fpm, nginx), using the
# MariaDB that already listens on 127.0.0.1:3306 (root, empty password) instead of starting one.
# Seeds N_ARTICLES posts with the shared peers' articles.py and wp-seed.php (same texts as the other
# peers), served with no page cache on http://127.0.0.1:$WP_PORT/. Idempotent; state in $RUN.
#   PEERS=/writable/copy/of/shared/tools/peers RUN=/tmp/x WP_PORT=8152 N_ARTICLES=10000 ./setup-wordpress.sh
set -euo pipefail
: "${PEERS:?copy of /work/shared/tools/peers}" "${RUN:?state folder}"
WP_PORT=${WP_PORT:-8152} N_ARTICLES=${N_ARTICLES:-10000} SAMPLE_ARTICLE=${SAMPLE_ARTICLE:-1000}
DB_NAME=${WP_DB_NAME:-wp_dateline_bench} CONFIG_NAME=${WP_CONFIG_NAME:-dateline-bench}
mkdir -p "$RUN"
source "$PEERS/common.sh"   # apt_install, start_bg, stop_one, wait_http (RUN is the peers' run/)
apt_install wordpress wordpress-theme-twentytwentythree php-fpm php-mysql nginx curl

mariadb -h 127.0.0.1 -P 3306 -u root <<SQL
CREATE DATABASE IF NOT EXISTS $DB_NAME CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$DB_NAME'@'127.0.0.1' IDENTIFIED BY '$DB_NAME';
CREATE USER IF NOT EXISTS '$DB_NAME'@'localhost' IDENTIFIED BY '$DB_NAME';
GRANT ALL ON $DB_NAME.* TO '$DB_NAME'@'127.0.0.1';
GRANT ALL ON $DB_NAME.* TO '$DB_NAME'@'localhost';
SQL

# Loopback-only benchmark database: the fixed password is not a secret.
install -m 640 -g www-data /dev/stdin "/etc/wordpress/config-$CONFIG_NAME.php" <<PHP
<?php
// Written by Dateline's bench/setup-wordpress.sh: a benchmark peer on loopback.
define('DB_NAME', '$DB_NAME');
define('DB_USER', '$DB_NAME');
define('DB_PASSWORD', '$DB_NAME');
define('DB_HOST', '127.0.0.1:3306');
define('WP_HOME', 'http://127.0.0.1:$WP_PORT');
define('WP_SITEURL', 'http://127.0.0.1:$WP_PORT');
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
PHP

# The shared seeder names its own config file; point our copy of it at ours.
sed "s/'bench-peers'/'$CONFIG_NAME'/" "$PEERS/wp-seed.php" >"$RUN/wp-seed.php"
python3 "$PEERS/articles.py" "$N_ARTICLES" >"$RUN/wp-articles.jsonl"
php "$RUN/wp-seed.php" install
php "$RUN/wp-seed.php" seed "$RUN/wp-articles.jsonl" "$SAMPLE_ARTICLE" >"$RUN/wp-post-url.raw"
tail -n1 "$RUN/wp-post-url.raw" >"$RUN/wp-post-url"

cat >"$RUN/php-fpm.conf" <<CONF
[global]
error_log = /proc/self/fd/2
daemonize = no
[bench]
user = www-data
group = www-data
listen = $RUN/php-fpm.sock
listen.mode = 0666
pm = static
pm.max_children = 5
CONF
fpm=(/usr/sbin/php-fpm[0-9]*)
start_bg wp-php-fpm "${fpm[-1]}" --nodaemonize --fpm-config "$RUN/php-fpm.conf"

cat >"$RUN/nginx-wp.conf" <<CONF
user root;
worker_processes auto;
daemon off;
pid $RUN/nginx-wp.nginx-pid;
error_log stderr;
events { worker_connections 1024; }
http {
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on;
  keepalive_requests 10000;
  server {
    listen 127.0.0.1:$WP_PORT;
    root /usr/share/wordpress;
    index index.php;
    location / { try_files \$uri \$uri/ /index.php?\$args; }
    location ~ ^/wp-content/(.*)\$ { alias /var/lib/wordpress/wp-content/\$1; }
    location ~ \.php\$ {
      include /etc/nginx/fastcgi.conf;
      fastcgi_param WORDPRESS_CONFIG $CONFIG_NAME;
      fastcgi_pass unix:$RUN/php-fpm.sock;
    }
  }
}
CONF
start_bg wp-nginx nginx -c "$RUN/nginx-wp.conf"
wait_http "$(cat "$RUN/wp-post-url")"
log "WordPress post: $(cat "$RUN/wp-post-url")"
