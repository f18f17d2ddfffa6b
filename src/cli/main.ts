// `product-forge <command>`: the CLI over src/core. Returns the process exit code.
import { version } from '../../package.json';
import { keepOnnxRuntimeLocal } from '../core/ortPrivacy';

export const USAGE = `product-forge ${version}: private, local AI for product teams

usage: product-forge <command> [options]
  analyze <file-or-folder…>   sentiment, themes and trends of customer feedback (local model)
  train <file.csv> --target COLUMN   train a tabular classifier
  predict <model-dir> <file.csv>     predict with a saved classifier
  explain <text>               which words drove the sentiment of a text (or --file F --line N)
  generate ...                 PRD, marketing copy or personas grounded in your evidence

  product-forge <command> --help   options of a command
  product-forge --version`;

export async function main(argv: string[]): Promise<number> {
  // Before any command can start a worker or load ONNX Runtime (src/core/ortPrivacy.ts).
  keepOnnxRuntimeLocal();
  const [command, ...rest] = argv;
  switch (command) {
    case 'analyze':
      return (await import('./analyze')).runAnalyze(rest);
    case 'train':
      return (await import('./train')).runTrain(rest);
    case 'predict':
      return (await import('./train')).runPredict(rest);
    case 'generate':
      return (await import('./generate')).runGenerate(rest);
    case 'explain':
      return (await import('./explain')).runExplain(rest);
    case '--version':
    case '-v':
    case 'version':
      process.stdout.write(`${version}\n`);
      return 0;
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case undefined:
      process.stderr.write(`${USAGE}\n`);
      return 2;
    default:
      process.stderr.write(`product-forge: unknown command "${command}"; run product-forge --help\n`);
      return 2;
  }
}
