/**
 * Prints one plain closing line after jest's own summary — `tests: N passed, N failed, N skipped` — the
 * form CI reads to know how many tests ran.
 */
class ClosingLineReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stderr.write(`\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped\n`);
  }
}
module.exports = ClosingLineReporter;
