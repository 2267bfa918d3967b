import { evaluateConfig } from "./offline/run";
import { readStackConfig } from "./offline/stackConfig";
(async () => {
  const base = readStackConfig("dev");
  const docker = JSON.parse(base.values["regstack:docker"]);
  const config = { ...base, values: { ...base.values, "regstack:docker": JSON.stringify({ ...docker, mode: "swarm" }) } };
  const ev = await evaluateConfig(config);
  if (ev.error) { console.log(ev.error); return; }
  for (const r of ev.resources) console.log(r.type, r.name, r.type.includes("Service") && !r.type.includes("Config") ? JSON.stringify(r.inputs).slice(0, 1500) : "");
  console.log(JSON.stringify(ev.outputs.jobs).slice(0, 400), ev.outputs.swarmService);
})();
