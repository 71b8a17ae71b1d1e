// A process's /proc/<pid>/stat, for the test harness (process groups) and the
// benches (CPU time): proc(5)'s fields after the command, whose closing
// parenthesis is the last one (a command may hold one), so that index 0 is
// field 3 (state), 2 is field 5 (pgrp), 11 and 12 are 14 and 15 (utime, stime).
import { readFileSync } from "node:fs";

/** Fields 3 and on of `pid`'s stat, or null when it is gone. */
export function procStat(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}
