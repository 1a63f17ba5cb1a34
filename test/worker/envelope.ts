import { expect } from "vitest";
import type { ErrorEnvelope } from "../../worker/upstream/schema";

/** Asserts the provider's error envelope `{code, message, data: null, requestId}` with `status`, never cached. */
export async function expectErrorEnvelope(response: Response, status: number): Promise<ErrorEnvelope> {
  expect(response.status).toBe(status);
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  const body = (await response.json()) as ErrorEnvelope;
  expect(Object.keys(body).sort()).toEqual(["code", "data", "message", "requestId"]);
  expect(body).toEqual({ code: status, message: expect.any(String), data: null, requestId: expect.any(String) });
  expect(body.message.length).toBeGreaterThan(0);
  expect(body.requestId.length).toBeGreaterThan(0);
  return body;
}
