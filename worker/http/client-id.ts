import { sha256Hex } from "../hash";

/**
 * Clients are counted by a hash of their address (the gate never stores an IP); an IPv6 client
 * by its /64, since every IPv6 client can rotate through the addresses of its own /64.
 */
export async function clientId(ip: string | undefined): Promise<string> {
  return ip ? (await sha256Hex(`client:${clientNetwork(ip)}`)).slice(0, 32) : "anonymous";
}

export function clientNetwork(ip: string): string {
  if (!ip.includes(":")) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = ip.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
