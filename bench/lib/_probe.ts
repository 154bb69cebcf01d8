import { measureTokenize, splitLines } from '../../test/grammars/tokenize';
import { kubeProxyDump } from './dump';
import { loadGrammars, obtainShellGrammar } from './shellGrammar';
import { asShellScript } from './shellScript';
void (async () => {
  const g = await loadGrammars(obtainShellGrammar());
  const d = await kubeProxyDump();
  const lines = splitLines(d.text);
  for (const start of [0, 10000, 30000, 50000, 70000]) {
    const w = lines.slice(start, start + 1000);
    const sh = asShellScript(w);
    for (let k = 0; k < 2; k++) {
      const a = measureTokenize(g.iptables, w), b = measureTokenize(g.shell, w), c = measureTokenize(g.shell, sh);
      console.log(start, k, (a.totalMs).toFixed(0), (b.totalMs).toFixed(0), c.totalMs.toFixed(0), w[500]?.slice(0, 60));
    }
  }
})();
