#!/usr/bin/env bash
# What CI can check of the deployment without a cluster or Docker:
# hadolint on the Dockerfile, and every Kubernetes manifest under deploy/k8s
# strictly against a pinned Kubernetes version (unknown fields fail), offline.
# kustomization.yaml files (kustomize's own kind) and *.patch.yaml (partial
# by design) are not Kubernetes resources and are left out.
set -euo pipefail
cd "$(dirname "$0")/.."
K8S_VERSION="${K8S_VERSION:-1.31.0}"

hadolint --failure-threshold warning deploy/Dockerfile
mapfile -t manifests < <(find deploy/k8s -name '*.yaml' ! -name 'kustomization.yaml' \
  ! -name '*.patch.yaml' ! -name 'hub.yaml' ! -name 'litestream.yml' | sort)
kubernetes-validate --strict --quiet -k "$K8S_VERSION" "${manifests[@]}"
# Every file a kustomization names exists.
for k in $(find deploy/k8s -name kustomization.yaml); do
  dir=$(dirname "$k")
  python3 - "$k" "$dir" <<'PY'
import os, sys, yaml
k, d = sys.argv[1], sys.argv[2]
doc = yaml.safe_load(open(k))
names = list(doc.get("resources", [])) + list(doc.get("components", []))
names += [p["path"] for p in doc.get("patches", []) if "path" in p]
for g in doc.get("configMapGenerator", []):
    names += [f.split("=", 1)[-1] for f in g.get("files", [])]
missing = [n for n in names if not os.path.exists(os.path.join(d, n))]
if missing:
    sys.exit(f"{k}: missing {missing}")
PY
done
echo "deploy: Dockerfile and ${#manifests[@]} manifests valid (Kubernetes $K8S_VERSION)"
