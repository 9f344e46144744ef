// What every `kittentts` command is: the streams and environment it runs with (CliIo) and the shape
// of its module (CliCommand). Apart from index.ts so that commands never import the dispatcher.

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The environment settings are read from (config.ts parses it; tests pass their own). */
  env: Record<string, string | undefined>;
}

export interface CliCommand {
  /** One-paragraph usage text printed by `--help`. */
  readonly help: string;
  run(argv: string[], io: CliIo): Promise<number>;
}
