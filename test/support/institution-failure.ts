import { InstitutionApiError } from '../../src/main/institution-api/errors';

/** The InstitutionApiError a call to an institution rejects with; any other outcome fails the test. */
export async function institutionFailure(promise: Promise<unknown>): Promise<InstitutionApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InstitutionApiError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}
