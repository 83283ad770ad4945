// Bad input and configuration never get better by retrying. Subclasses (e.g. UnknownModelError extends
// ConfigError) carry their own class name as the failure type, which a retry policy's list of type names
// would miss, so activities turn every InputError/ConfigError/SchemaError into a non-retryable failure.
import { ApplicationFailure } from '@temporalio/activity';
import { ConfigError, InputError, SchemaError } from '../errors.js';

export async function failFastOnBadInput<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof InputError || error instanceof ConfigError || error instanceof SchemaError) {
      throw ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true, cause: error });
    }
    throw error;
  }
}
