import { loadConfigOrExit, type Config } from '../config/config.js';
import { createLogger, type Logger } from '../lib/logger.js';

/** Configuration and a logger for a CLI command. Logs go to stderr so stdout stays the command's output. */
export function cliContext(): { config: Config; logger: Logger } {
  const config = loadConfigOrExit();
  return { config, logger: createLogger(config, 'cli', 'stderr') };
}
