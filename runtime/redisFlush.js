// @ts-check
/**
 * Empties the registry's Redis blob-descriptor cache (FLUSHDB on database 0) after its storage changed
 * underneath it (garbage collection, restore): a stale entry would answer "blob exists" for a blob
 * that is gone. Address from $REDIS_ADDR (host:port), password from $REDIS_PASSWORD. Speaks RESP
 * directly, so the job image needs no redis-cli. Exits 0 when flushed, 1 otherwise.
 */
"use strict";

const net = require("net");

/** @param {string[]} args */
function command(args) {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

function main() {
  const address = process.env.REDIS_ADDR ?? "";
  const m = /^(.+):(\d+)$/.exec(address);
  if (!m) {
    process.stderr.write(`redis-flush: REDIS_ADDR "${address}" is not host:port\n`);
    process.exitCode = 1;
    return;
  }
  const password = process.env.REDIS_PASSWORD;
  const expected = password ? 2 : 1;
  const socket = net.connect({ host: m[1], port: Number(m[2]) });
  socket.setTimeout(10000);
  let received = "";
  socket.on("connect", () => {
    socket.write((password ? command(["AUTH", password]) : "") + command(["FLUSHDB"]));
  });
  socket.on("data", (chunk) => {
    received += chunk.toString("utf8");
    const replies = received.split("\r\n").filter((l) => l !== "");
    if (replies.some((r) => r.startsWith("-"))) {
      process.stderr.write(`redis-flush: ${replies.find((r) => r.startsWith("-"))}\n`);
      process.exitCode = 1;
      socket.destroy();
    } else if (replies.length >= expected) {
      process.stdout.write(`redis cache at ${address} flushed\n`);
      socket.end();
    }
  });
  socket.on("timeout", () => {
    process.stderr.write(`redis-flush: no answer from ${address} within 10 s\n`);
    process.exitCode = 1;
    socket.destroy();
  });
  socket.on("error", (e) => {
    process.stderr.write(`redis-flush: ${address}: ${e.message}\n`);
    process.exitCode = 1;
  });
}

main();
