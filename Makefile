# felhom hub: image and rollout, as the Go hub's (`make VERSION=x.y.z docker
# docker-push`), plus `make deploy`. VERSION is the release (no leading v).
IMAGE     ?= gitea.dooplex.hu/admin/felhom-hub
NAMESPACE ?= felhom-system
COMMIT    := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
TAG        = v$(VERSION)

.PHONY: help check-version docker docker-push deploy rollback validate pin-images

help:
	@echo "make VERSION=x.y.z docker        build $(IMAGE):vX.Y.Z (deploy/Dockerfile)"
	@echo "make VERSION=x.y.z docker-push   push it"
	@echo "make VERSION=x.y.z deploy        apply deploy/k8s and roll deploy/hub to it"
	@echo "make rollback                    back to the previous ReplicaSet"
	@echo "make validate                    hadolint + strict manifest validation (as CI)"
	@echo "make pin-images                  pin the Dockerfile's base images by digest (needs the registries)"

check-version:
	@echo "$(VERSION)" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+$$' \
	  || { echo "VERSION must be x.y.z, e.g. make VERSION=0.4.0 docker"; exit 2; }

docker: check-version
	docker build -f deploy/Dockerfile --build-arg GIT_COMMIT=$(COMMIT) \
	  -t $(IMAGE):$(TAG) .

docker-push: check-version
	docker push $(IMAGE):$(TAG)

deploy: check-version
	kubectl apply -k deploy/k8s
	kubectl set image -n $(NAMESPACE) deploy/hub hub=$(IMAGE):$(TAG)
	kubectl rollout status -n $(NAMESPACE) deploy/hub --timeout=180s

rollback:
	kubectl rollout undo -n $(NAMESPACE) deploy/hub
	kubectl rollout status -n $(NAMESPACE) deploy/hub --timeout=180s

validate:
	scripts/validate-deploy.sh

pin-images:
	scripts/pin-images.sh
