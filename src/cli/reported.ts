/** Thrown once every failure was already reported on stderr: only its exit code is left to set. */
export class ReportedFailure extends Error {
  override readonly name = 'ReportedFailure';
  readonly exitCode: number;

  constructor(exitCode: number) {
    super(`failed with exit code ${exitCode}`);
    this.exitCode = exitCode;
  }
}
