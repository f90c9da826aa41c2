import { z } from 'zod';

/** Configuration that is missing or malformed: the message is one line naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Parses the environment with an app's schema once, at boot. Only `main.ts` calls this;
 * everything else receives the typed result.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = issue.path.map(String).join('.') || '(environment)';
  const received = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
  const what = received === undefined ? (issue.code === 'invalid_type' ? 'is required' : issue.message) : `${issue.message} (got ${JSON.stringify(received.slice(0, 60))})`;
  throw new ConfigError(`configuration error: ${variable} ${what}`);
}

/**
 * Runs `boot`; a ConfigError ends the process with its one line and exit code 78
 * (EX_CONFIG), anything else with the error and code 1.
 */
export async function runMain(boot: () => Promise<unknown>): Promise<void> {
  try {
    await boot();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    process.stderr.write(`fatal: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(1);
  }
}
