import { expect, it } from "vitest";
import { TRENDING, harness } from "./harness";

it("answers a cold question with one upstream call and the provider's envelope", async () => {
  const h = await harness();
  const response = await h.request(`${TRENDING}?region=DE`);
  const body = (await response.json()) as { code: number; data: { sound_list: unknown[]; pagination: unknown } };
  expect(response.status).toBe(200);
  expect(body.code).toBe(0);
  expect(body.data.sound_list).toHaveLength(20);
  expect(response.headers.get("X-Cache")).toBe("MISS");
  expect(await h.upstream.count({ region: "DE" })).toBe(1);
  const again = await h.request(`${TRENDING}?region=de&limit=5`);
  expect(again.status).toBe(200);
  expect(await h.upstream.count()).toBe(1);
});
