#!/usr/bin/env python3
"""MPQA 10-fold cross-validation of the bundled sentiment model's recipe (`npm run models:cv`).

The shipped model holds out MPQA fold 0 and its card reports that fold. The published protocol for MPQA is 10-fold
cross-validation, so this script trains the same recipe ten times (train_sentiment.py with PF_MPQA_TEST_FOLD=k and
PF_STOP_AFTER_METRICS=1: every other source, split, calibration and overlap rule unchanged, MPQA fold k held out and
banned from the vocabulary, the word vectors and the training rows), scores each model on its held-out fold with the
calibrated model's two-way decision, and writes the pooled accuracy (correct / 10,606 phrases) with each fold's figures.

Ten trainings take about 4.5 hours on 2 CPU cores; with a GPU (--device cuda) they can run side by side (--jobs).
Options: --device cpu|cuda (default cpu), --jobs N (trainings at once, default 1), --threads N (torch CPU threads per
training, default 2), --folds 0,1,... (default all ten), --out FILE (default
models/product-forge/sentiment-en-zh/mpqa_cv.json; written only when all ten folds are done, so the record the model
card reads is never a partial one), --work DIR (logs, per-fold metrics and the running summary mpqa_cv.partial.json,
default a new temp folder). The datasets folder is PF_DATASETS or ../shared/datasets, as for the build. Recipe knobs
in the environment (PF_EPOCHS, PF_REPEAT_*, ...) are passed on and recorded as recipe_overrides: the card shows the
result only without them, and only while recipe_sha256 matches the training scripts.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
# The files that define the recipe: a record made with other versions of them is not this recipe's result.
RECIPE_FILES = ('train_sentiment.py', 'sentiment_data.py', 'sentiment_tokenizer.py', 'sentiment_model.py', 'word_vectors.py')
# Environment variables that do not change what is trained.
NEUTRAL_ENV = {'PF_DATASETS', 'PF_PYTHON', 'PF_BUILD_DIR', 'PF_THREADS', 'PF_DEVICE'}


def recipe_sha256():
    h = hashlib.sha256()
    for f in RECIPE_FILES:
        h.update(f.encode() + b'\0' + open(os.path.join(HERE, f), 'rb').read() + b'\0')
    return h.hexdigest()


def hardware(device):
    """The GPU's name (cuda) and the CPU count, for the record."""
    name = ''
    if device.startswith('cuda'):
        try:
            name = subprocess.run([sys.executable, '-c', 'import torch; print(torch.cuda.get_device_name(0))'],
                                  capture_output=True, text=True, timeout=120).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return ', '.join(x for x in (name, f'{os.cpu_count()} CPU cores') if x)


def main():
    ap = argparse.ArgumentParser(description='MPQA 10-fold cross-validation of the sentiment recipe')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--jobs', type=int, default=1)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--folds', default=','.join(str(k) for k in range(10)))
    ap.add_argument('--out', default=os.path.join(REPO, 'models', 'product-forge', 'sentiment-en-zh', 'mpqa_cv.json'))
    ap.add_argument('--work', default=None)
    a = ap.parse_args()
    folds = [int(x) for x in a.folds.split(',') if x.strip()]
    if not folds or any(k < 0 or k > 9 for k in folds) or len(set(folds)) != len(folds):
        sys.exit(f'error: --folds takes distinct fold numbers 0-9, not {a.folds!r}')
    if a.jobs < 1 or a.threads < 1:
        sys.exit('error: --jobs and --threads must be at least 1')
    overrides = {k: v for k, v in sorted(os.environ.items()) if k.startswith('PF_') and k not in NEUTRAL_ENV
                 and k not in ('PF_MPQA_DEV_FOLD', 'PF_MPQA_TEST_FOLD', 'PF_STOP_AFTER_METRICS')}
    if overrides:
        print(f'note: recipe overrides in the environment, recorded with the result: {overrides}', flush=True)
    hw = hardware(a.device)
    sha = recipe_sha256()
    command = 'npm run models:cv -- ' + ' '.join(f'--{k} {v}' for k, v in (('device', a.device), ('jobs', a.jobs), ('threads', a.threads)))
    if a.folds != ','.join(str(k) for k in range(10)):
        command += f' --folds {a.folds}'
    work = a.work or tempfile.mkdtemp(prefix='pf-mpqa-cv-')
    os.makedirs(work, exist_ok=True)
    t0 = time.time()
    print(f'MPQA cross-validation: folds {folds}, device {a.device}, {a.jobs} at once, {a.threads} threads each; logs in {work}',
          flush=True)

    pending = list(folds)
    running = {}  # fold -> (Popen, log file, start time)
    done, failed = {}, {}

    def write_summary():
        rows = [done[k] for k in sorted(done)]
        n = sum(r['n'] for r in rows)
        correct = sum(r['correct'] for r in rows)
        accs = [r['accuracy'] for r in rows]
        mean = sum(accs) / len(accs) if accs else None
        sd = (sum((x - mean) ** 2 for x in accs) / (len(accs) - 1)) ** 0.5 if len(accs) > 1 else None
        summary = {
            'protocol': 'MPQA 10-fold cross-validation: fold k held out, the recipe of scripts/models/train_sentiment.py '
                        'otherwise unchanged; decision = larger of P(negative), P(positive) of the calibrated model',
            'command': command, 'jobs': a.jobs, 'recipe_sha256': sha, 'recipe_overrides': overrides,
            'device': a.device, 'hardware': hw, 'complete': len(done) == 10 and not failed,
            'folds_done': sorted(done), 'folds_failed': {str(k): v for k, v in sorted(failed.items())},
            'n': n, 'correct': correct, 'pooled_accuracy': correct / n if n else None,
            'mean_fold_accuracy': mean, 'fold_accuracy_sd': sd,
            'unseen_n': sum(r['unseen_n'] for r in rows), 'unseen_correct': sum(r['unseen_correct'] for r in rows),
            'seconds': round(time.time() - t0), 'per_fold': rows,
        }
        # the running summary stays in the work folder; --out gets the complete record only
        dest = a.out if summary['complete'] else os.path.join(work, 'mpqa_cv.partial.json')
        os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
        tmp = dest + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(summary, f, indent=1)
            f.write('\n')
        os.replace(tmp, dest)
        summary['written_to'] = dest
        return summary

    def start(k):
        d = os.path.join(work, f'fold-{k}')
        os.makedirs(d, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if k != 'PF_MPQA_DEV_FOLD'}
        env.update(PF_MPQA_TEST_FOLD=str(k), PF_STOP_AFTER_METRICS='1', PF_BUILD_DIR=d,
                   PF_DEVICE=a.device, PF_THREADS=str(a.threads), PYTHONUNBUFFERED='1')
        log = open(os.path.join(work, f'fold-{k}.log'), 'w')
        p = subprocess.Popen([sys.executable, os.path.join(HERE, 'train_sentiment.py')], env=env, stdout=log,
                             stderr=subprocess.STDOUT)
        running[k] = (p, log, time.time())

    def finish(k, rc):
        p, log, ts = running.pop(k)
        log.close()
        path = os.path.join(work, f'fold-{k}', 'metrics_experiment.json')
        if rc != 0 or not os.path.exists(path):
            tail = open(os.path.join(work, f'fold-{k}.log')).read().splitlines()[-5:]
            failed[k] = f'exit {rc}: ' + ' | '.join(tail)
            print(f'fold {k} FAILED (exit {rc}); see {work}/fold-{k}.log', flush=True)
            return
        m = json.load(open(path))
        after = m['after']
        n, nu = m['mpqa_eval_sizes']['mpqa_fold0'], m['mpqa_eval_sizes']['mpqa_fold0_unseen']
        acc, accu = after['mpqa_fold0']['accuracy'], after['mpqa_fold0_unseen']['accuracy']
        if m.get('mpqa_test_fold') != k:
            failed[k] = f'metrics say fold {m.get("mpqa_test_fold")}'
            return
        done[k] = {'fold': k, 'n': n, 'correct': round(acc * n), 'accuracy': acc,
                   'unseen_n': nu, 'unseen_correct': round(accu * nu), 'unseen_accuracy': accu,
                   # the other held-out sets, to show how much the recipe itself varies from run to run
                   'sst2_dev': after['sst2_dev']['accuracy'], 'mr_fold0': after['mr_fold0']['accuracy'],
                   'zh_test': after['zh_test']['accuracy'], 'sst5_test3_macro_f1': after['sst5_test3']['macro_f1'],
                   'device': m.get('device'), 'torch': m.get('torch'), 'seconds': round(time.time() - ts)}
        print(f'fold {k}: {acc:.2%} of {n} ({round(acc * n)} correct), unseen phrases {accu:.2%} of {nu}; '
              f'{round(time.time() - ts)} s', flush=True)

    try:
        while pending or running:
            while pending and len(running) < a.jobs:
                start(pending.pop(0))
            time.sleep(2)
            for k in list(running):
                rc = running[k][0].poll()
                if rc is not None:
                    finish(k, rc)
                    write_summary()
    except KeyboardInterrupt:
        for p, _, _ in running.values():
            p.terminate()
        raise
    s = write_summary()
    if s['pooled_accuracy'] is not None:
        print(f"pooled over {len(done)} folds: {s['pooled_accuracy']:.2%} of {s['n']} phrases "
              f"(fold mean {s['mean_fold_accuracy']:.2%}" + (f", sd {s['fold_accuracy_sd']:.2%}" if s['fold_accuracy_sd'] else '') +
              f"); phrases never seen in training {s['unseen_correct'] / max(1, s['unseen_n']):.2%} of {s['unseen_n']}; "
              f"{s['seconds']} s; written to {s['written_to']}", flush=True)
    if failed:
        sys.exit(f'error: {len(failed)} fold(s) failed: {sorted(failed)}')


if __name__ == '__main__':
    main()
