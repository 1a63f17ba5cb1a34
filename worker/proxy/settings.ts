import type { Budgets, Config, DataSource } from "../config";

/**
 * What the Worker tells the gate with every call: the gate has no config of its own (config is
 * built per request from the bindings, never global), so each question carries the settings it
 * is to be answered under.
 */
export interface GateSettings {
  source: DataSource;
  upstreamUrl: string;
  apiKey: string | null;
  timeoutMs: number;
  cacheTtlSeconds: number;
  staleTtlSeconds: number;
  budgets: Budgets;
  clientCallsPerHour: number;
  /** Where cool-downs and a drying source are reported (once per condition per UTC day). */
  alertWebhook: string | null;
}

export function gateSettings(config: Config): GateSettings {
  return {
    source: config.dataSource,
    upstreamUrl: config.upstreamUrl,
    apiKey: config.apiKey,
    timeoutMs: config.upstreamTimeoutMs,
    cacheTtlSeconds: config.cacheTtlSeconds,
    staleTtlSeconds: config.staleTtlSeconds,
    budgets: config.budgets,
    clientCallsPerHour: config.clientCallsPerHour,
    alertWebhook: config.alertWebhook,
  };
}
