/** The little the shell adapters need from a logger; pino's Logger satisfies it. */
export interface ShellLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLog: ShellLog = { info() {}, warn() {}, error() {} };
