import { evaluateStack } from "./offline/run";
(async () => {
  for (const st of ["nas", "dev", "local"]) {
  const ev = await evaluateStack(st);
  const d = ev.platform!;
  console.log("==", st);
  for (const s of d.services) console.log(s.id, s.placement, "->", s.connectsTo.join(","), "| ports", s.ports.map(p => p.port + (p.published ? "P" : "")).join(","));
  }
})();
