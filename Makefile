# The exercise's targets. The images take the jars built on the host by Maven (./mvnw).
#   make docker-compose-up CLIENTS=5            (writes docker-compose-dev.yaml if missing)
#   make docker-image BASE_IMAGE=local/jre:25   (where no registry is reachable)
# docker-image tags each image :<project version> and :latest and labels it (OCI annotations)
# with that version, the git commit (revision), the commit's time (created: the same for two
# builds of one commit) and SOURCE_URL (default: the git remote origin's URL when it is one).
SHELL := /bin/bash
COMPOSE_FILE ?= docker-compose-dev.yaml
CLIENTS ?= 5
BASE_IMAGE ?= eclipse-temurin:25-jre
STOP_GRACE ?= 10
VERSION := $(shell sed -n '/<artifactId>tp0-lottery<\/artifactId>/{n;s:.*<version>\(.*\)</version>.*:\1:p;q;}' pom.xml)
REVISION := $(or $(shell git rev-parse HEAD 2>/dev/null),unknown)
CREATED := $(or $(shell TZ=UTC git log -1 --date=format-local:%Y-%m-%dT%H:%M:%SZ --format=%cd 2>/dev/null),1970-01-01T00:00:00Z)
SOURCE_URL ?= $(or $(shell git config --get remote.origin.url 2>/dev/null | grep -E '^(https?|ssh|git)://|^[^/]+@[^/]+:'),unknown)
IMAGE_ARGS = --build-arg BASE_IMAGE=$(BASE_IMAGE) --build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) \
	--build-arg CREATED=$(CREATED) --build-arg SOURCE=$(SOURCE_URL)

.PHONY: default build docker-image docker-compose-up docker-compose-down docker-compose-logs

default: build

build:
	./mvnw -q -DskipTests package

docker-image: build
	docker build -f compose/lottery.Dockerfile $(IMAGE_ARGS) -t tp0-lottery:$(VERSION) -t tp0-lottery:latest .
	docker build -f compose/agency.Dockerfile $(IMAGE_ARGS) -t tp0-agency:$(VERSION) -t tp0-agency:latest .

$(COMPOSE_FILE):
	./generar-compose.sh $(COMPOSE_FILE) $(CLIENTS)

docker-compose-up: docker-image $(COMPOSE_FILE)
	docker compose -f $(COMPOSE_FILE) up -d

docker-compose-down:
	docker compose -f $(COMPOSE_FILE) stop -t $(STOP_GRACE)
	docker compose -f $(COMPOSE_FILE) down

docker-compose-logs:
	docker compose -f $(COMPOSE_FILE) logs -f
