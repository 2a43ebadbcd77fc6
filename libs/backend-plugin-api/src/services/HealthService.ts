/** The answer of a health check: an HTTP status and a JSON payload. @public */
export interface HealthCheckResult {
  status: number;
  payload: Record<string, unknown>;
}

/** Liveness and readiness of the backend, served under `/.trellis/health/v1/`. @public */
export interface RootHealthService {
  getLiveness(): Promise<HealthCheckResult>;
  getReadiness(): Promise<HealthCheckResult>;
}
