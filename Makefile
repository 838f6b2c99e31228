# The exercise's targets. The images take the jars built on the host by Maven (./mvnw).
#   make docker-compose-up CLIENTS=5            (writes docker-compose-dev.yaml if missing)
#   make docker-image BASE_IMAGE=local/jre:25   (where no registry is reachable)
SHELL := /bin/bash
COMPOSE_FILE ?= docker-compose-dev.yaml
CLIENTS ?= 5
BASE_IMAGE ?= eclipse-temurin:25-jre
STOP_GRACE ?= 10

.PHONY: default build docker-image docker-compose-up docker-compose-down docker-compose-logs

default: build

build:
	./mvnw -q -DskipTests package

docker-image: build
	docker build -f compose/lottery.Dockerfile --build-arg BASE_IMAGE=$(BASE_IMAGE) -t tp0-lottery:latest .
	docker build -f compose/agency.Dockerfile --build-arg BASE_IMAGE=$(BASE_IMAGE) -t tp0-agency:latest .

$(COMPOSE_FILE):
	./generar-compose.sh $(COMPOSE_FILE) $(CLIENTS)

docker-compose-up: docker-image $(COMPOSE_FILE)
	docker compose -f $(COMPOSE_FILE) up -d

docker-compose-down:
	docker compose -f $(COMPOSE_FILE) stop -t $(STOP_GRACE)
	docker compose -f $(COMPOSE_FILE) down

docker-compose-logs:
	docker compose -f $(COMPOSE_FILE) logs -f
