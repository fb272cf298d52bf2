import { Command, CommanderError } from 'commander';
import { DTYPES, MODEL_SPACES, type ApiResult, type FinderApi } from '../../preload/contract.js';
import { dispatch } from '../engine/dispatch.js';
import { Engine } from '../engine/engine.js';
import { toApiError } from '../engine/errors.js';
import { defaultDatabaseFile } from '../engine/paths.js';
import { VERSION } from '../engine/version.js';
import { formatModels } from './format-models.js';
import { formatStatus } from './format-status.js';
import { EXIT, processIo, type CliIo } from './io.js';

interface GlobalOptions {
  db?: string;
  json?: boolean;
}

/**
 * Runs the `semblance` command line and resolves to its exit code: 0 ok, 1 failure (a clear
 * message on stderr), 2 bad usage. With --json, stdout carries exactly one JSON document
 * (the result, or {"error": ...}); logs and progress go to stderr.
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('semblance')
    .description('Find photos and products by meaning and by looks, on your own machine.')
    .version(VERSION, '-V, --version')
    .option('--db <file>', `database file (default: ${defaultDatabaseFile(io.env)})`)
    .option('--json', 'machine output: one JSON document on stdout')
    .exitOverride()
    .showHelpAfterError('(run semblance --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  /** Opens the engine, makes one API call through dispatch, prints, closes. */
  const call = async <T>(
    use: (api: FinderApi, send: typeof dispatch) => Promise<ApiResult<T>>,
    human: (value: T) => string,
  ): Promise<void> => {
    const options = program.opts<GlobalOptions>();
    let result: ApiResult<T>;
    let engine: Engine | undefined;
    const progress = io.progress?.();
    try {
      engine = Engine.open({
        databaseFile: options.db ?? defaultDatabaseFile(io.env),
        env: io.env,
        ...(progress ? { onModelProgress: progress.update } : {}),
      });
      result = await use(engine, dispatch);
    } catch (error) {
      result = { ok: false, error: toApiError(error) };
    } finally {
      progress?.stop();
      await engine?.close();
    }
    if (result.ok) {
      io.stdout(options.json ? `${JSON.stringify(result.value, null, 2)}\n` : human(result.value));
      return;
    }
    io.stderr(`semblance: ${result.error.message}\n`);
    if (options.json) io.stdout(`${JSON.stringify({ error: result.error }, null, 2)}\n`);
    exitCode = result.error.code === 'bad-input' ? EXIT.usage : EXIT.failure;
  };

  program
    .command('status')
    .description('show the library: database, items per status, spaces and their models, folders, errors')
    .action(() => call((api, send) => send(api, 'status', {}), formatStatus));

  const models = program
    .command('models')
    .description('the model of each space: which, where its files are, whether they are here');
  models
    .command('list', { isDefault: true })
    .description('list each space with its model, dtype, dimensions and files (the default)')
    .action(() => call((api, send) => send(api, 'models', {}), formatModels));
  models
    .command('set')
    .description('choose the model of a space: a hub id or a local folder ("default" to go back)')
    .argument('<space>', `one of ${MODEL_SPACES.join(', ')}`)
    .argument('<model>', 'hub id (Xenova/resnet-18), model folder, or "default"')
    .option('--dtype <dtype>', `weights to load: ${DTYPES.join(' or ')}`)
    .action((space: string, model: string, opts: { dtype?: string }) =>
      call(
        (api, send) => send(api, 'setModel', { space, model: model === 'default' ? null : model, ...(opts.dtype ? { dtype: opts.dtype } : {}) }),
        formatModels,
      ),
    );
  models
    .command('download')
    .description('fetch and load models now (all, or the given spaces), so Semblance works offline afterwards')
    .argument('[spaces...]', `any of ${MODEL_SPACES.join(', ')}`)
    .action((spaces: string[]) =>
      call((api, send) => send(api, 'downloadModels', spaces.length > 0 ? { spaces } : {}), formatModels),
    );

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; a missing command, unknown option or bad argument is usage.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    io.stderr(`semblance: ${toApiError(error).message}\n`);
    return EXIT.failure;
  }
  return exitCode;
}
