/**
 * Module hooks (node:module `register`) that append the URL of every module a process loads to
 * the file given as `data`, one per line: a test reads which modules an import pulled in.
 */
import { appendFileSync } from 'node:fs';

let logFile;

/** @param {string} file where to append loaded URLs */
export function initialize(file) {
  logFile = file;
}

export async function load(url, context, nextLoad) {
  appendFileSync(logFile, `${url}\n`);
  return nextLoad(url, context);
}
