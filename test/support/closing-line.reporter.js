/**
 * Prints one plain closing line after everything jest prints — `tests: N passed, N failed, N skipped` —
 * the form CI reads to know how many tests ran. Written at process exit because jest's own summary
 * comes after the custom reporters' onRunComplete (stderr writes to pipes and files are synchronous).
 */
class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`;
    process.once('exit', () => process.stderr.write(line));
  }
}
module.exports = ClosingLineReporter;
