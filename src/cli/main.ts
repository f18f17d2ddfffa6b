// `product-forge <command>`: the CLI over src/core. Returns the process exit code.
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    // case 'analyze': return (await import('./analyze')).runAnalyze(rest);     // src/cli/analyze.ts
    // case 'train': return (await import('./train')).runTrain(rest);           // src/cli/train.ts
    // case 'predict': return (await import('./train')).runPredict(rest);       // src/cli/train.ts
    // case 'generate': return (await import('./generate')).runGenerate(rest);  // src/cli/generate.ts
    default:
      process.stderr.write(`usage: product-forge analyze|train|predict|generate ... (got ${command ?? 'nothing'})\n`);
      return 2;
  }
}
