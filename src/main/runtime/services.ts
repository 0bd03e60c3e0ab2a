import type { AuthService } from '../services/auth';
import type { OperatorService } from '../services/operators';
import type { SystemService } from '../services/system';

/** Every service the router's handlers may call, built once per process by the backend. */
export interface Services {
  auth: AuthService;
  operators: OperatorService;
  system: SystemService;
}
