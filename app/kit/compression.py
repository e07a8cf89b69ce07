"""How answers are compressed: one setting for the gzip middleware and for kept answers."""

# Answers of this size or more are gzip-compressed for clients that accept it (not XLSX files:
# they are ZIP archives already).
GZIP_MINIMUM_BYTES = 1024
# zlib level 4, not Starlette's default 9: on the national-scale occupancy report (685 KB of
# JSON) level 9 takes 25 ms and gives 75 KB, level 4 takes 5 ms and gives 93 KB; level 9 had
# doubled the report's time for every client that accepts gzip.
GZIP_LEVEL = 4
