#!/bin/bash
# The same run as a Slurm array: --shard auto/N reads SLURM_ARRAY_TASK_ID, which must count 0..N-1
# (perpsim refuses any other id), so the array is 0-(N-1). Submit, then merge when all tasks are done:
#   jobid=$(sbatch --parsable deploy/slurm-array.sh run.json)
#   sbatch --dependency=afterok:$jobid --wrap "node dist/cli.js merge reports/run-1-shards --out reports/run-1"
#SBATCH --job-name=perpsim-shards
#SBATCH --array=0-7
#SBATCH --cpus-per-task=4
set -euo pipefail
node dist/cli.js stress --config "$1" --shard auto/8 --workers "${SLURM_CPUS_PER_TASK:-4}" --out reports/run-1-shards
