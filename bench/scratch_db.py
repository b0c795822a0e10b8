"""The scratch MariaDB database a benchmark fills: named by DATABASE_URL, dropped and created anew."""

import os


def recreate_database() -> None:
    import dj_database_url
    import MySQLdb

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    conn = MySQLdb.connect(host=cfg["HOST"] or "127.0.0.1", port=int(cfg["PORT"] or 3306), user=cfg["USER"],
                           passwd=cfg["PASSWORD"] or "")
    cur = conn.cursor()
    cur.execute(f"DROP DATABASE IF EXISTS `{cfg['NAME']}`")
    cur.execute(f"CREATE DATABASE `{cfg['NAME']}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    conn.close()
