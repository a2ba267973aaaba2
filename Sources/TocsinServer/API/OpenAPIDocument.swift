/// The OpenAPI 3.1 description of the REST API, served at `/api/v1/openapi.json`.
enum OpenAPIDocument {
    static let json: String = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "Tocsin API",
        "version": "1.0.0",
        "description": "Tocsin is a cyber-alert broker for health and social-care organisations. Publishers (and relaying brokers) post security alerts in a canonical form marked with a TLP level, a severity and optional regions; Tocsin keeps every revision, routes each revision to the subscriptions whose organisation's TLP clearance and region allow it and whose filter matches, and delivers it by signed webhook, email or feed through a durable outbox with retries and a ledger of every attempt. Source documents (CSAF, STIX, MISP, CAP, RSS/Atom/JSON Feed, CERT-FR, CVE 5, KEV) are ingested as they are, by the ingest endpoint or by polling configured sources, then enriched (CVSS, indicators, categories) and matched against the organisations' declared inventories. Every `/api/v1` call except this document needs a bearer token whose role (admin, publisher, subscriber or relay) decides what it may do; errors are RFC 9457 problem details."
      },
      "servers": [{"url": "/"}],
      "security": [{"bearerAuth": []}],
      "tags": [
        {"name": "alerts"},
        {"name": "ingest", "description": "Source documents as they are: see docs/ingest.md."},
        {"name": "sources", "description": "Polled sources and their health: see docs/sources.md."},
        {"name": "organisations"},
        {"name": "inventory", "description": "What an organisation runs, matched against every alert: see docs/enrichment.md."},
        {"name": "subscriptions"},
        {"name": "tokens"},
        {"name": "audit"},
        {"name": "deliveries"},
        {"name": "health"},
        {"name": "meta"},
        {"name": "webhooks"}
      ],
      "paths": {
        "/api/v1/stream": {
          "get": {
            "operationId": "streamAlerts",
            "tags": ["alerts"],
            "summary": "Live stream of published revisions (Server-Sent Events)",
            "description": "Each event has the revision's sequence number as id, the event type alert.published, alert.updated or alert.cancelled, and the alert as JSON data. Reconnect with Last-Event-ID to receive every revision published since, from the store. Only what the token may read is sent. A comment line is sent every stream.heartbeat.",
            "parameters": [
              {"name": "Last-Event-ID", "in": "header", "required": false, "schema": {"type": "string", "pattern": "^[0-9]+$"}},
              {"name": "lastEventId", "in": "query", "required": false, "schema": {"type": "string", "pattern": "^[0-9]+$"}},
              {"name": "minSeverity", "in": "query", "required": false, "schema": {"type": "string", "enum": ["critical", "high", "medium", "low", "info"]}},
              {"name": "category", "in": "query", "required": false, "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {"description": "An endless text/event-stream.", "content": {"text/event-stream": {"schema": {"type": "string"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "422": {"$ref": "#/components/responses/Validation"}
            }
          }
        },
        "/feeds/{feedToken}/{format}": {
          "get": {
            "operationId": "getFeed",
            "tags": ["alerts"],
            "summary": "Pull feed of a feed subscription: atom.xml (Atom 1.0), rss.xml (RSS 2.0) or feed.json (JSON Feed 1.1)",
            "description": "Authenticated by the secret feed token in the path (no bearer token). Lists, newest first, the alerts the subscription's filter and its organisation's clearance and region allow. Supports ETag/If-None-Match and Last-Modified/If-Modified-Since (304), limit and cursor (Link rel=next).",
            "security": [],
            "parameters": [
              {"name": "feedToken", "in": "path", "required": true, "schema": {"type": "string"}},
              {"name": "format", "in": "path", "required": true, "schema": {"type": "string", "enum": ["atom.xml", "rss.xml", "feed.json"]}},
              {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
              {"name": "cursor", "in": "query", "required": false, "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {"description": "The feed.", "content": {
                "application/atom+xml": {"schema": {"type": "string"}},
                "application/rss+xml": {"schema": {"type": "string"}},
                "application/feed+json": {"schema": {"type": "object"}}}},
              "304": {"description": "Not modified since the ETag or date sent."},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"}
            }
          }
        },
        "/healthz": {
          "get": {
            "operationId": "getHealth",
            "tags": ["health"],
            "summary": "Liveness",
            "responses": {
              "200": {
                "description": "The process is up.",
                "content": {
                  "application/json": {
                    "schema": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}
                  }
                }
              }
            },
            "security": []
          }
        },
        "/readyz": {
          "get": {
            "operationId": "getReadiness",
            "tags": ["health"],
            "summary": "Readiness",
            "responses": {
              "200": {
                "description": "Ready to serve, with the outbox depth by delivery state.",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "required": ["status"],
                      "properties": {
                        "status": {"const": "ready"},
                        "outbox": {
                          "type": "object",
                          "propertyNames": {"$ref": "#/components/schemas/DeliveryState"},
                          "additionalProperties": {"type": "integer", "minimum": 0}
                        }
                      }
                    }
                  }
                }
              },
              "503": {
                "description": "Not ready (store unreachable or shutting down).",
                "content": {
                  "application/json": {"schema": {"type": "object", "properties": {"status": {"type": "string"}}}}
                }
              }
            },
            "security": []
          }
        },
        "/metrics": {
          "get": {
            "operationId": "getMetrics",
            "tags": ["health"],
            "summary": "Prometheus metrics",
            "responses": {
              "200": {
                "description": "Metrics in the Prometheus text exposition format: deliveries (`tocsin_notifications_total`, `tocsin_notifications_failed_total`, `tocsin_notification_latency_seconds`, `tocsin_outbox_deliveries`), polled sources (`tocsin_source_up`, `tocsin_source_consecutive_failures`, `tocsin_source_documents_total`, `tocsin_source_documents_failed_total`, `tocsin_source_alerts_total`, `tocsin_source_last_attempt_timestamp_seconds`, `tocsin_source_last_success_timestamp_seconds`, labelled `source`) and HTTP requests.",
                "content": {"text/plain": {"schema": {"type": "string"}}}
              }
            },
            "security": []
          }
        },
        "/api/v1/openapi.json": {
          "get": {
            "operationId": "getOpenAPI",
            "tags": ["meta"],
            "summary": "This document",
            "responses": {
              "200": {
                "description": "The OpenAPI 3.1 document.",
                "content": {"application/json": {"schema": {"type": "object"}}}
              }
            },
            "security": []
          }
        },
        "/api/v1/alerts": {
          "post": {
            "operationId": "publishAlert",
            "tags": ["alerts"],
            "summary": "Publish an alert",
            "description": "Roles: admin, publisher, relay.",
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AlertDraft"}}}
            },
            "responses": {
              "201": {
                "description": "Published as revision 1 and routed to the matching subscriptions.",
                "headers": {"Location": {"description": "`/api/v1/alerts/{id}`", "schema": {"type": "string"}}},
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PublishedAlert"}}}
              },
              "400": {"$ref": "#/components/responses/InvalidJSON"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "413": {"$ref": "#/components/responses/PayloadTooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "422": {"$ref": "#/components/responses/Validation"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          },
          "get": {
            "operationId": "listAlerts",
            "tags": ["alerts"],
            "summary": "List alerts",
            "description": "Subscribers and relays see only the alerts their organisation's TLP clearance allows, and of regional alerts only those of their organisation's region.",
            "parameters": [
              {"$ref": "#/components/parameters/Limit"},
              {"$ref": "#/components/parameters/Cursor"},
              {"name": "minSeverity", "in": "query", "schema": {"$ref": "#/components/schemas/Severity"}},
              {"name": "status", "in": "query", "schema": {"$ref": "#/components/schemas/AlertStatus"}},
              {"name": "category", "in": "query", "schema": {"type": "string"}},
              {"name": "cve", "in": "query", "schema": {"type": "string"}, "description": "e.g. CVE-2024-3400"},
              {
                "name": "since",
                "in": "query",
                "schema": {"type": "string", "format": "date-time"},
                "description": "Only alerts updated at or after this instant."
              }
            ],
            "responses": {
              "200": {
                "description": "Newest first.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AlertList"}}}
              },
              "400": {"$ref": "#/components/responses/InvalidJSON"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/alerts/{id}": {
          "get": {
            "operationId": "getAlert",
            "tags": ["alerts"],
            "summary": "Get an alert's current revision",
            "description": "404 when unknown or not visible to the caller.",
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "responses": {
              "200": {
                "description": "The alert.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Alert"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/alerts/{id}/revisions/{revision}": {
          "get": {
            "operationId": "getAlertRevision",
            "tags": ["alerts"],
            "summary": "Get one revision of an alert",
            "parameters": [
              {"$ref": "#/components/parameters/Id"},
              {"name": "revision", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}
            ],
            "responses": {
              "200": {
                "description": "The alert as it was at that revision.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Alert"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/alerts/{id}/revisions": {
          "post": {
            "operationId": "reviseAlert",
            "tags": ["alerts"],
            "summary": "Publish a new revision: only the fields that change",
            "description": "Roles: admin, and the publisher and relay tokens of the organisation that published the alert (403 for others; 404 when the caller may not read it). The body is a JSON merge patch (RFC 7396) over the alert's content: a field present replaces it, null removes it, anything not named stays; `remove` takes entries out of lists by value. A revision that widens the audience (lower TLP, fewer or other regions, new categories) answers 422 `widening-not-confirmed`, naming who would newly receive it, unless `confirmWiden` is true. 409 when the alert is cancelled or was revised meanwhile.",
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "requestBody": {
              "required": true,
              "content": {"application/merge-patch+json": {"schema": {"$ref": "#/components/schemas/AlertPatch"}},
                          "application/json": {"schema": {"$ref": "#/components/schemas/AlertPatch"}}}
            },
            "responses": {
              "201": {
                "description": "The new revision (status `updated`), routed again.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PublishedAlert"}}}
              },
              "400": {"$ref": "#/components/responses/InvalidJSON"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "409": {"$ref": "#/components/responses/Conflict"},
              "413": {"$ref": "#/components/responses/PayloadTooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "422": {"$ref": "#/components/responses/Validation"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/alerts/{id}/cancel": {
          "post": {
            "operationId": "cancelAlert",
            "tags": ["alerts"],
            "summary": "Cancel an alert",
            "description": "Roles: admin, publisher, relay. 409 when already cancelled.",
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "requestBody": {
              "required": false,
              "content": {
                "application/json": {"schema": {"type": "object", "properties": {"reason": {"type": "string"}}}}
              }
            },
            "responses": {
              "200": {
                "description": "The cancellation revision (status `cancelled`), routed to the subscriptions.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PublishedAlert"}}}
              },
              "400": {"$ref": "#/components/responses/InvalidJSON"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "409": {"$ref": "#/components/responses/Conflict"},
              "413": {"$ref": "#/components/responses/PayloadTooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "422": {"$ref": "#/components/responses/Validation"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/ingest/{format}": {
          "post": {
            "operationId": "ingestDocument",
            "tags": ["ingest"],
            "summary": "Ingest a source document as it is",
            "description": "Roles: admin, publisher, relay. The body is the raw document (a CSAF advisory, a STIX bundle, a MISP event, a CAP message, an RSS/Atom/JSON feed, a CERT-FR document or feed, a CVE 5 record or NVD page, the KEV catalog, or the publish API's JSON). Its format's adapter reads it into one or more alerts, enrichment completes them, and each is published, or revises the alert already known under the same source reference, or changes nothing when it is already known as it is. A document that cannot be read is rejected whole (422 `urn:tocsin:problem:invalid-document`, `field` naming the offending part) and nothing of it is stored. The body may be sent with any Content-Type and may be up to `ingest.maxDocumentBytes` (32 MiB by default).",
            "parameters": [
              {
                "name": "format",
                "in": "path",
                "required": true,
                "description": "The document's format, or `auto` to recognise it from its first bytes. An unknown name gives 404.",
                "schema": {"$ref": "#/components/schemas/IngestFormatOrAuto"}
              },
              {
                "name": "source",
                "in": "query",
                "required": false,
                "description": "The name recorded as the alerts' `source`; the format's name when absent (`relay` for a relay token).",
                "schema": {"type": "string"}
              },
              {
                "name": "tlp",
                "in": "query",
                "required": false,
                "description": "TLP given to documents that carry no marking; the format's own default when absent (CLEAR for CVE, KEV, CERT-FR, feeds and CAP; AMBER for CSAF, STIX, MISP).",
                "schema": {"$ref": "#/components/schemas/TLP"}
              },
              {
                "name": "minimumTlp",
                "in": "query",
                "required": false,
                "description": "The least restrictive TLP the alerts may carry: a document marked more openly is raised to it, never lowered.",
                "schema": {"$ref": "#/components/schemas/TLP"}
              },
              {
                "name": "severity",
                "in": "query",
                "required": false,
                "description": "Severity given when neither the document nor a CVSS score states one; `medium` when absent.",
                "schema": {"$ref": "#/components/schemas/Severity"}
              }
            ],
            "requestBody": {
              "required": true,
              "description": "The document itself, byte for byte.",
              "content": {
                "application/octet-stream": {},
                "application/json": {"schema": {}},
                "application/xml": {}
              }
            },
            "responses": {
              "200": {
                "description": "What ingesting the document did, alert by alert.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IngestReport"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "413": {"$ref": "#/components/responses/PayloadTooLarge"},
              "422": {"$ref": "#/components/responses/InvalidDocument"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/sources": {
          "get": {
            "operationId": "listSources",
            "tags": ["sources"],
            "summary": "The configured sources and their health",
            "description": "Roles: admin, publisher. One entry per source of the configuration file's `sources:` list, with its last round, last error and counters. Header values, URL credentials and query values are never shown.",
            "responses": {
              "200": {
                "description": "Every configured source, in configuration order.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SourceList"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/sources/{name}/poll": {
          "post": {
            "operationId": "pollSource",
            "tags": ["sources"],
            "summary": "Poll a source now",
            "description": "Role: admin. Runs one round at once (conditional GET, then ingestion of what changed) and answers when it is over. When a round of the same source is already running, answers its state without polling again. The source's own schedule goes on from the end of this round.",
            "parameters": [
              {"name": "name", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[a-z0-9-]{1,64}$"}}
            ],
            "responses": {
              "200": {
                "description": "The source's health after the round; a failed round is still a 200 whose `lastError` says why.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SourceHealth"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/orgs": {
          "post": {
            "operationId": "createOrganisation",
            "tags": ["organisations"],
            "summary": "Create an organisation",
            "description": "Role: admin.",
            "requestBody": {
              "required": true,
              "content": {
                "application/json": {
                  "schema": {"allOf": [{"$ref": "#/components/schemas/OrganisationInput"}, {"required": ["name"]}]}
                }
              }
            },
            "responses": {
              "201": {
                "description": "Created.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Organisation"}}}
              },
              "400": {"$ref": "#/components/responses/InvalidJSON"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "413": {"$ref": "#/components/responses/PayloadTooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "422": {"$ref": "#/components/responses/Validation"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          },
          "get": {
            "operationId": "listOrganisations",
            "tags": ["organisations"],
            "summary": "List organisations",
            "description": "Admins see every organisation; subscribers and relays their own.",
            "parameters": [{"$ref": "#/components/parameters/Limit"}, {"$ref": "#/components/parameters/Cursor"}],
            "responses": {
              "200": {
                "description": "A page.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OrganisationList"}}}
              },
              "400": {"$ref": "#/components/responses/InvalidJSON"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/orgs/{id}": {
          "parameters": [{"$ref": "#/components/parameters/Id"}],
          "get": {
            "operationId": "getOrganisation",
            "tags": ["organisations"],
            "summary": "Get an organisation",
            "responses": {
              "200": {
                "description": "The organisation.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Organisation"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          },
          "patch": {
            "operationId": "updateOrganisation",
            "tags": ["organisations"],
            "summary": "Change an organisation",
            "description": "Role: admin.",
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OrganisationInput"}}}
            },
            "responses": {
              "200": {
                "description": "The organisation after the change.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Organisation"}}}
              },
              "400": {"$ref": "#/components/responses/InvalidJSON"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "413": {"$ref": "#/components/responses/PayloadTooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "422": {"$ref": "#/components/responses/Validation"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          },
          "delete": {
            "operationId": "deleteOrganisation",
            "tags": ["organisations"],
            "summary": "Delete an organisation",
            "description": "Role: admin.",
            "responses": {
              "204": {"description": "Deleted."},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/orgs/{id}/inventory": {
          "parameters": [{"$ref": "#/components/parameters/Id"}],
          "get": {
            "operationId": "getInventory",
            "tags": ["inventory"],
            "summary": "The organisation's declared inventory",
            "description": "Roles: admin; subscriber and relay for their own organisation. An organisation that declared nothing has an empty list.",
            "responses": {
              "200": {
                "description": "The items as they were read.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Inventory"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          },
          "put": {
            "operationId": "replaceInventory",
            "tags": ["inventory"],
            "summary": "Declare (replace) the organisation's inventory",
            "description": "Roles: admin; subscriber and relay for their own organisation. Replaces the whole inventory with the items of the body, which is one of: CPE names one per line (`text/plain`; blank lines and `#` comments skipped), a JSON array of CPE strings, a JSON array of `{vendor, product, version}` objects (`cpe`, `purl` and `label` optional), or a CycloneDX JSON SBOM (1.4 to 1.6). At most 10,000 items and 16 MiB. Every later alert is matched against it before routing; a refused inventory leaves the previous one in place.",
            "requestBody": {"$ref": "#/components/requestBodies/InventoryBody"},
            "responses": {
              "200": {
                "description": "The inventory as read and stored.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Inventory"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "413": {"$ref": "#/components/responses/PayloadTooLarge"},
              "422": {"$ref": "#/components/responses/Validation"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          },
          "delete": {
            "operationId": "deleteInventory",
            "tags": ["inventory"],
            "summary": "Remove the organisation's inventory",
            "description": "Roles: admin; subscriber and relay for their own organisation. Alerts no longer say what they concern, and subscriptions with `onlyInventoryMatches` receive nothing until an inventory is declared again.",
            "responses": {
              "204": {"description": "Removed."},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/orgs/{id}/inventory/{part}": {
          "parameters": [
            {"$ref": "#/components/parameters/Id"},
            {"name": "part", "in": "path", "required": true, "description": "The part's name: a device, a site or an SBOM (`pacs-radiologie`, `sbom:intellibridge-ec40`).", "schema": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$"}}
          ],
          "get": {
            "operationId": "getInventoryPart",
            "tags": ["inventory"],
            "summary": "One part of the organisation's inventory",
            "description": "Roles: admin; subscriber and relay for their own organisation.",
            "responses": {
              "200": {"description": "The part's items.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/InventoryPart"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "422": {"$ref": "#/components/responses/Validation"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          },
          "put": {
            "operationId": "replaceInventoryPart",
            "tags": ["inventory"],
            "summary": "Declare (replace) one part of the inventory: a device, a site or an SBOM",
            "description": "Roles: admin; subscriber and relay for their own organisation. The body takes the same forms as the whole inventory. Only this part is replaced; the others are kept, and the parts are merged, each item once. At most 10,000 items and 16 MiB per part, 1,000 parts and 50,000 items in all.",
            "requestBody": {"$ref": "#/components/requestBodies/InventoryBody"},
            "responses": {
              "200": {"description": "The part as read and stored.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/InventoryPart"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "413": {"$ref": "#/components/responses/PayloadTooLarge"},
              "422": {"$ref": "#/components/responses/Validation"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          },
          "delete": {
            "operationId": "deleteInventoryPart",
            "tags": ["inventory"],
            "summary": "Remove one part of the inventory",
            "description": "Roles: admin; subscriber and relay for their own organisation. The other parts are kept.",
            "responses": {
              "204": {"description": "Removed."},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "422": {"$ref": "#/components/responses/Validation"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/subscriptions": {
          "post": {
            "operationId": "createSubscription",
            "tags": ["subscriptions"],
            "summary": "Create a subscription",
            "description": "Admins for any organisation, subscribers for their own.",
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubscriptionCreate"}}}
            },
            "responses": {
              "201": {
                "description": "Created; `secret` or `feedToken` is shown only in this response.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewSubscription"}}}
              },
              "400": {"$ref": "#/components/responses/InvalidJSON"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "413": {"$ref": "#/components/responses/PayloadTooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "500": {"$ref": "#/components/responses/Internal"},
              "422": {"$ref": "#/components/responses/ValidationOrTargetRefused"}
            }
          },
          "get": {
            "operationId": "listSubscriptions",
            "tags": ["subscriptions"],
            "summary": "List subscriptions",
            "description": "Subscribers see their organisation's only.",
            "parameters": [
              {"$ref": "#/components/parameters/Limit"},
              {"$ref": "#/components/parameters/Cursor"},
              {"name": "orgId", "in": "query", "schema": {"type": "string"}}
            ],
            "responses": {
              "200": {
                "description": "A page.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubscriptionList"}}}
              },
              "400": {"$ref": "#/components/responses/InvalidJSON"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/subscriptions/{id}": {
          "parameters": [{"$ref": "#/components/parameters/Id"}],
          "get": {
            "operationId": "getSubscription",
            "tags": ["subscriptions"],
            "summary": "Get a subscription",
            "responses": {
              "200": {
                "description": "The subscription.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Subscription"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          },
          "patch": {
            "operationId": "updateSubscription",
            "tags": ["subscriptions"],
            "summary": "Change a subscription",
            "description": "Setting `active` to true re-enables a subscription Tocsin disabled.",
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SubscriptionPatch"}}}
            },
            "responses": {
              "200": {
                "description": "The subscription after the change.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Subscription"}}}
              },
              "400": {"$ref": "#/components/responses/InvalidJSON"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "413": {"$ref": "#/components/responses/PayloadTooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "500": {"$ref": "#/components/responses/Internal"},
              "422": {"$ref": "#/components/responses/ValidationOrTargetRefused"}
            }
          },
          "delete": {
            "operationId": "deleteSubscription",
            "tags": ["subscriptions"],
            "summary": "Delete a subscription",
            "responses": {
              "204": {"description": "Deleted."},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/subscriptions/{id}/rotate-secret": {
          "post": {
            "operationId": "rotateWebhookSecret",
            "tags": ["subscriptions"],
            "summary": "Give a webhook subscription a new signing secret",
            "description": "Roles: admin, and the subscription's organisation. The new secret is shown once. The old one keeps signing alongside it (the webhook-signature header then carries both, space-separated) for `overlap` (default 24h, at most 30d), so the receiver can switch without losing a delivery.",
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "requestBody": {
              "required": false,
              "content": {"application/json": {"schema": {"type": "object", "properties": {"overlap": {"type": "string", "description": "A duration: 24h, 30m, 7d."}}, "additionalProperties": false}}}
            },
            "responses": {
              "200": {"description": "The new secret.", "content": {"application/json": {"schema": {"type": "object", "required": ["id", "secret", "previousSecretValidUntil"], "properties": {"id": {"type": "string"}, "secret": {"type": "string"}, "previousSecretValidUntil": {"type": "string", "format": "date-time"}}}}}},
              "400": {"$ref": "#/components/responses/InvalidJSON"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "422": {"$ref": "#/components/responses/Validation"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/tokens": {
          "get": {
            "operationId": "listTokens",
            "tags": ["tokens"],
            "summary": "List API tokens, never their values",
            "description": "Role: admin. Revoked and expired tokens are listed too, with their dates.",
            "parameters": [
              {"$ref": "#/components/parameters/Limit"},
              {"$ref": "#/components/parameters/Cursor"}
            ],
            "responses": {
              "200": {
                "description": "A page of tokens, oldest first.",
                "content": {"application/json": {"schema": {
                  "type": "object",
                  "required": ["items", "nextCursor"],
                  "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}},
                    "nextCursor": {"type": ["string", "null"]}
                  }
                }}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "422": {"$ref": "#/components/responses/Validation"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          },
          "post": {
            "operationId": "createToken",
            "tags": ["tokens"],
            "summary": "Create an API token",
            "description": "Role: admin.",
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TokenCreate"}}}
            },
            "responses": {
              "201": {
                "description": "Created; `token` is shown only in this response.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewToken"}}}
              },
              "400": {"$ref": "#/components/responses/InvalidJSON"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "413": {"$ref": "#/components/responses/PayloadTooLarge"},
              "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
              "422": {"$ref": "#/components/responses/Validation"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/tokens/{id}": {
          "delete": {
            "operationId": "revokeToken",
            "tags": ["tokens"],
            "summary": "Revoke an API token",
            "description": "Role: admin. From now on every request with the token answers 401 and the streams it opened end. Revoking again changes nothing.",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {
              "200": {"description": "The token as it now stands.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Token"}}}},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/audit": {
          "get": {
            "operationId": "listAudit",
            "tags": ["audit"],
            "summary": "Read the audit log",
            "description": "Role: admin. Append-only: one entry per change made through the API or the command line, whatever its outcome, and per refused attempt (401, 403); newest first.",
            "parameters": [
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
              {"name": "cursor", "in": "query", "schema": {"type": "string", "pattern": "^[1-9][0-9]{0,17}$"}},
              {"name": "actor", "in": "query", "schema": {"type": "string"}},
              {"name": "target", "in": "query", "schema": {"type": "string"}},
              {"name": "action", "in": "query", "description": "An action (`alert.cancel`) or a family (`alert`).", "schema": {"type": "string"}},
              {"name": "outcome", "in": "query", "schema": {"type": "string", "enum": ["ok", "refused", "failed"]}},
              {"name": "since", "in": "query", "schema": {"type": "string", "format": "date-time"}},
              {"name": "until", "in": "query", "schema": {"type": "string", "format": "date-time"}}
            ],
            "responses": {
              "200": {
                "description": "A page of entries.",
                "content": {"application/json": {"schema": {
                  "type": "object",
                  "required": ["items", "nextCursor"],
                  "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}},
                    "nextCursor": {"type": ["string", "null"]}
                  }
                }}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "422": {"$ref": "#/components/responses/Validation"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/deliveries": {
          "get": {
            "operationId": "listDeliveries",
            "tags": ["deliveries"],
            "summary": "List deliveries (the ledger)",
            "description": "Subscribers and relays see their organisation's only.",
            "parameters": [
              {"$ref": "#/components/parameters/Limit"},
              {"$ref": "#/components/parameters/Cursor"},
              {"name": "alertId", "in": "query", "schema": {"type": "string"}},
              {"name": "orgId", "in": "query", "schema": {"type": "string"}},
              {"name": "subscriptionId", "in": "query", "schema": {"type": "string"}},
              {"name": "state", "in": "query", "schema": {"$ref": "#/components/schemas/DeliveryState"}}
            ],
            "responses": {
              "200": {
                "description": "Newest first.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeliveryList"}}}
              },
              "400": {"$ref": "#/components/responses/InvalidJSON"},
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/deliveries/{id}": {
          "get": {
            "operationId": "getDelivery",
            "tags": ["deliveries"],
            "summary": "Get a delivery and its attempts",
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "responses": {
              "200": {
                "description": "The delivery with its attempt history.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeliveryDetail"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        },
        "/api/v1/deliveries/{id}/redeliver": {
          "post": {
            "operationId": "redeliver",
            "tags": ["deliveries"],
            "summary": "Send a delivery again",
            "description": "Roles: admin, publisher. 409 when the delivery is pending or in flight.",
            "parameters": [{"$ref": "#/components/parameters/Id"}],
            "responses": {
              "202": {
                "description": "Back to `pending` with the same id, so the receiver sees the same `webhook-id`.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Delivery"}}}
              },
              "401": {"$ref": "#/components/responses/Unauthorized"},
              "403": {"$ref": "#/components/responses/Forbidden"},
              "404": {"$ref": "#/components/responses/NotFound"},
              "409": {"$ref": "#/components/responses/Conflict"},
              "500": {"$ref": "#/components/responses/Internal"}
            }
          }
        }
      },
      "webhooks": {
        "alert": {
          "post": {
            "operationId": "alertWebhook",
            "tags": ["webhooks"],
            "summary": "An alert revision, posted to a webhook subscription",
            "description": "Signed as the Standard Webhooks specification says. Verify `webhook-signature` with the subscription's `whsec_` secret, reject stale timestamps, and deduplicate on `webhook-id`, which is the same on every retry.",
            "parameters": [
              {
                "name": "webhook-id",
                "in": "header",
                "required": true,
                "description": "The delivery id; the idempotency key.",
                "schema": {"type": "string"}
              },
              {
                "name": "webhook-timestamp",
                "in": "header",
                "required": true,
                "description": "Unix time in seconds of this attempt.",
                "schema": {"type": "integer"}
              },
              {
                "name": "webhook-signature",
                "in": "header",
                "required": true,
                "description": "`v1,` + base64(HMAC-SHA256(secret, `<webhook-id>.<webhook-timestamp>.<body>`)), the key being the base64 part of the `whsec_` secret.",
                "schema": {"type": "string"}
              }
            ],
            "requestBody": {
              "required": true,
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WebhookEvent"}}}
            },
            "responses": {
              "2XX": {"description": "Accepted: the delivery is done."},
              "410": {"description": "Gone: Tocsin disables the subscription."},
              "4XX": {"description": "Any other 4xx except 408 and 429: a permanent failure, the delivery goes dead."},
              "5XX": {
                "description": "5xx, 408, 429 and timeouts are retried with backoff and jitter for about three days (11 attempts), then the delivery goes dead."
              }
            },
            "security": []
          }
        }
      },
      "components": {
        "securitySchemes": {
          "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (`tcs_…`) created with POST /api/v1/tokens."
          }
        },
        "parameters": {
          "Limit": {
            "name": "limit",
            "in": "query",
            "description": "Page size.",
            "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}
          },
          "Cursor": {
            "name": "cursor",
            "in": "query",
            "description": "The opaque `nextCursor` of the previous page.",
            "schema": {"type": "string"}
          },
          "Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}
        },
        "requestBodies": {
          "InventoryBody": {
              "required": true,
              "content": {
                "text/plain": {
                  "schema": {"type": "string"},
                  "example": "cpe:2.3:a:philips:vue_pacs:12.2.6.10:*:*:*:*:*:*:*\ncpe:/o:redhat:enterprise_linux:8\n"
                },
                "application/json": {
                  "schema": {
                    "oneOf": [
                      {"type": "array", "items": {"type": "string"}, "description": "CPE 2.3 formatted strings or CPE 2.2 URIs."},
                      {"type": "array", "items": {"$ref": "#/components/schemas/InventoryItemInput"}},
                      {
                        "type": "object",
                        "description": "A CycloneDX JSON SBOM: `metadata.component` and every entry of `components[]`, nested ones included.",
                        "required": ["bomFormat"],
                        "properties": {"bomFormat": {"const": "CycloneDX"}, "specVersion": {"type": "string"}}
                      }
                    ]
                  },
                  "example": [{"vendor": "Philips", "product": "IntelliBridge EC40", "version": "B.00.21", "label": "Réanimation"}]
                }
              }
            }
        },
        "responses": {
          "Unauthorized": {
            "description": "Missing, malformed or unknown bearer token.",
            "content": {
              "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": {"type": "urn:tocsin:problem:unauthorized", "title": "Unauthorized", "status": 401}
              }
            }
          },
          "Forbidden": {
            "description": "The token's role may not do this.",
            "content": {
              "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": {"type": "urn:tocsin:problem:forbidden", "title": "Forbidden", "status": 403}
              }
            }
          },
          "NotFound": {
            "description": "No such resource, or not visible to the caller.",
            "content": {
              "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": {"type": "urn:tocsin:problem:not-found", "title": "Not found", "status": 404}
              }
            }
          },
          "InvalidJSON": {
            "description": "The body is not valid JSON, or a field has the wrong type or an unknown value.",
            "content": {
              "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": {"type": "urn:tocsin:problem:invalid-json", "title": "Invalid JSON", "status": 400}
              }
            }
          },
          "Validation": {
            "description": "The body decoded but a value is invalid; `field` names it.",
            "content": {
              "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": {
                  "type": "urn:tocsin:problem:validation",
                  "title": "Invalid field",
                  "status": 422,
                  "detail": "cves[0] 'CVE-24-1' is not a CVE id like CVE-2024-3400",
                  "field": "cves[0]"
                }
              }
            }
          },
          "PayloadTooLarge": {
            "description": "The request body is larger than the configured limit.",
            "content": {
              "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": {"type": "urn:tocsin:problem:payload-too-large", "title": "Payload too large", "status": 413}
              }
            }
          },
          "UnsupportedMediaType": {
            "description": "The body is not `application/json`.",
            "content": {
              "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": {
                  "type": "urn:tocsin:problem:unsupported-media-type",
                  "title": "Unsupported media type",
                  "status": 415
                }
              }
            }
          },
          "Conflict": {
            "description": "The resource is not in a state that allows this.",
            "content": {
              "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": {"type": "urn:tocsin:problem:conflict", "title": "Conflict", "status": 409}
              }
            }
          },
          "Internal": {
            "description": "Unexpected server error.",
            "content": {
              "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": {"type": "urn:tocsin:problem:internal", "title": "Internal error", "status": 500}
              }
            }
          },
          "InvalidDocument": {
            "description": "The query is invalid (`urn:tocsin:problem:validation`: `tlp` or `severity`, or an empty body), or the document cannot be read (`urn:tocsin:problem:invalid-document`): the format is not recognised, the document is malformed, too deep or hostile (a DTD or entity in XML), or a value breaks its format's rules. `field` gives the path of the offending part (`document.tracking.id`, `vulnerabilities[2].cve`, `/alert/info[0]/severity`, `objects[3].pattern`). Nothing of the document is stored.",
            "content": {
              "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": {
                  "type": "urn:tocsin:problem:invalid-document",
                  "title": "The document cannot be read",
                  "status": 422,
                  "detail": "csaf: vulnerabilities[0].cve: 'CVE-24-1' is not a CVE id like CVE-2024-3400",
                  "field": "vulnerabilities[0].cve"
                }
              }
            }
          },
          "ValidationOrTargetRefused": {
            "description": "A value is invalid (`urn:tocsin:problem:validation`), or the webhook target was refused by the SSRF guard (`urn:tocsin:problem:target-refused`: private, loopback or link-local address, or a scheme other than http(s)).",
            "content": {
              "application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": {
                  "type": "urn:tocsin:problem:target-refused",
                  "title": "Webhook target refused",
                  "status": 422,
                  "detail": "the target resolves to a private address",
                  "field": "target"
                }
              }
            }
          }
        },
        "schemas": {
          "Severity": {
            "type": "string",
            "enum": ["critical", "high", "medium", "low", "info"],
            "description": "Ordered info < low < medium < high < critical. Read case-insensitively."
          },
          "TLP": {
            "type": "string",
            "enum": ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"],
            "description": "Traffic Light Protocol 2.0 marking, ordered CLEAR < GREEN < AMBER < AMBER+STRICT < RED. On input, any letter case, a `TLP:` prefix and `WHITE` (read as CLEAR) are accepted."
          },
          "AlertStatus": {"type": "string", "enum": ["published", "updated", "cancelled"]},
          "Channel": {"type": "string", "enum": ["webhook", "email", "feed"]},
          "Role": {
            "type": "string",
            "enum": ["admin", "publisher", "subscriber", "relay"],
            "description": "admin: everything; publisher: publishes and revises alerts, reads the ledger; subscriber: bound to one organisation, manages its subscriptions and reads the alerts its clearance and region allow; relay: another broker, publishes like a publisher and reads like its organisation."
          },
          "DeliveryState": {"type": "string", "enum": ["pending", "in_flight", "delivered", "retry_scheduled", "dead", "superseded"]},
          "OrganisationKind": {
            "type": "string",
            "enum": ["CHU", "CH", "clinic", "EHPAD", "ESMS", "ARS", "CERT", "other"]
          },
          "RegionCode": {
            "type": "string",
            "enum": [
              "01",
              "02",
              "03",
              "04",
              "06",
              "11",
              "24",
              "27",
              "28",
              "32",
              "44",
              "52",
              "53",
              "75",
              "76",
              "84",
              "93",
              "94"
            ],
            "description": "INSEE code of a French region, e.g. `28` (Normandie), `11` (Île-de-France)."
          },
          "Indicator": {
            "type": "object",
            "description": "An indicator of compromise.",
            "required": ["type", "value"],
            "properties": {
              "type": {
                "type": "string",
                "enum": [
                  "ipv4",
                  "ipv6",
                  "domain",
                  "url",
                  "email",
                  "md5",
                  "sha1",
                  "sha256",
                  "sha512",
                  "cve",
                  "filename",
                  "other"
                ]
              },
              "value": {"type": "string", "minLength": 1, "maxLength": 4096},
              "toIds": {"type": "boolean", "description": "Flagged for detection (MISP `to_ids`); true when absent."},
              "comment": {"type": "string"}
            }
          },
          "AffectedProduct": {
            "type": "object",
            "required": ["product"],
            "properties": {
              "vendor": {"type": "string"},
              "product": {"type": "string", "minLength": 1},
              "versions": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Version expressions as the source gives them (`< 10.2.9`, `7.1.0`, `*`)."
              },
              "ranges": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/VersionRange"},
                "description": "The same versions in structured form, as CVE 5 writes them, for matching against inventories."
              },
              "cpe": {"type": "string", "description": "A CPE 2.3 formatted string (or CPE 2.2 URI) naming the product."},
              "purl": {"type": "string", "description": "A package URL naming the product."},
              "status": {
                "$ref": "#/components/schemas/ProductStatus",
                "description": "What the source says of the product as a whole (VEX product status, CVE `defaultStatus`); absent when it says nothing."
              }
            }
          },
          "ProductStatus": {
            "type": "string",
            "enum": ["affected", "fixed", "not_affected", "under_investigation", "unknown"],
            "description": "The status a source gives a product or a version range (CSAF/VEX product status, CVE 5 `status`)."
          },
          "VersionRange": {
            "type": "object",
            "description": "One version range with CVE 5 semantics. With `lessThan` or `lessThanOrEqual`, `version` is the first version concerned (`0` or `*`: from the start) and the bound the end (`*`: every later version). Without a bound, `version` is the exact version concerned (`*`: every version).",
            "required": ["version", "status"],
            "properties": {
              "version": {"type": "string"},
              "lessThan": {"type": "string"},
              "lessThanOrEqual": {"type": "string"},
              "versionType": {
                "type": "string",
                "description": "How versions compare: `semver`, `rpm`, `maven`, `python`, `git`, or anything else for the generic dotted order (`custom`, `generic`)."
              },
              "status": {"$ref": "#/components/schemas/ProductStatus"}
            }
          },
          "CVSSScore": {
            "type": "object",
            "description": "A CVSS score as the source states it, recomputed by Tocsin from its vector when the vector parses.",
            "required": ["version", "vector", "baseScore", "severity"],
            "properties": {
              "version": {"type": "string", "enum": ["2.0", "3.0", "3.1", "4.0"]},
              "vector": {"type": "string", "examples": ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]},
              "baseScore": {"type": "number", "minimum": 0, "maximum": 10},
              "severity": {
                "$ref": "#/components/schemas/Severity",
                "description": "The band of the base score: for 3.x and 4.0 none 0.0 (info), low 0.1-3.9, medium 4.0-6.9, high 7.0-8.9, critical 9.0-10.0; for 2.0 low 0.0-3.9, medium 4.0-6.9, high 7.0-10.0."
              },
              "source": {"type": "string", "description": "Who gave the score (the CNA, `CISA-ADP`, `NVD`, the CSAF publisher), when known."}
            }
          },
          "Reference": {
            "type": "object",
            "required": ["url"],
            "properties": {
              "url": {"type": "string", "format": "uri", "maxLength": 4096, "description": "An http or https URL."},
              "title": {"type": "string"}
            }
          },
          "AlertDraft": {
            "type": "object",
            "description": "The content of an alert, to publish it or revise it. Absent lists are empty.",
            "required": ["title", "severity", "tlp"],
            "properties": {
              "title": {"type": "string", "minLength": 1, "maxLength": 500},
              "summary": {"type": "string", "maxLength": 20000, "default": ""},
              "body": {"type": "string", "maxLength": 500000},
              "severity": {"$ref": "#/components/schemas/Severity"},
              "tlp": {"$ref": "#/components/schemas/TLP"},
              "categories": {
                "type": "array",
                "items": {"type": "string"},
                "maxItems": 1000,
                "description": "Free categories, 1 to 100 characters each; lower-cased and deduplicated."
              },
              "cves": {
                "type": "array",
                "items": {"type": "string"},
                "maxItems": 1000,
                "description": "CVE ids such as `CVE-2024-3400`; upper-cased and deduplicated."
              },
              "regions": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/RegionCode"},
                "maxItems": 1000,
                "description": "Regions concerned; empty means national."
              },
              "indicators": {"type": "array", "items": {"$ref": "#/components/schemas/Indicator"}, "maxItems": 20000},
              "affectedProducts": {"type": "array", "items": {"$ref": "#/components/schemas/AffectedProduct"}},
              "references": {"type": "array", "items": {"$ref": "#/components/schemas/Reference"}},
              "source": {"type": "string", "description": "Publishing source's name; `api` when absent."},
              "sourceRef": {
                "type": "string",
                "description": "The source's own identifier for the document (CSAF tracking id, CERT-FR reference…)."
              },
              "sourcePublishedAt": {
                "type": "string",
                "format": "date-time",
                "description": "The source's publication date; the reception date when absent."
              },
              "sourceVersion": {"type": "string", "description": "The source's own version of the document."},
              "sourceUpdatedAt": {"type": "string", "format": "date-time", "description": "The source's own date of this version."},
              "cvss": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/CVSSScore"},
                "description": "Scores are recomputed from their vectors; a vector that does not parse keeps the score given."
              },
              "knownExploited": {"type": "boolean", "default": false},
              "attributes": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Source fields kept as they are, namespaced by format."
              }
            }
          },
          "Alert": {
            "type": "object",
            "description": "One revision of an alert.",
            "required": [
              "id",
              "source",
              "revision",
              "status",
              "title",
              "summary",
              "severity",
              "tlp",
              "categories",
              "cves",
              "regions",
              "indicators",
              "affectedProducts",
              "references",
              "sourcePublishedAt",
              "receivedAt",
              "publishedAt",
              "updatedAt"
            ],
            "properties": {
              "id": {"type": "string"},
              "source": {"type": "string"},
              "sourceRef": {"type": "string"},
              "revision": {
                "type": "integer",
                "minimum": 1,
                "description": "1 at publication, plus one per update or cancellation."
              },
              "status": {"$ref": "#/components/schemas/AlertStatus"},
              "title": {"type": "string"},
              "summary": {"type": "string"},
              "body": {"type": "string"},
              "severity": {"$ref": "#/components/schemas/Severity"},
              "tlp": {"$ref": "#/components/schemas/TLP"},
              "categories": {"type": "array", "items": {"type": "string"}},
              "cves": {"type": "array", "items": {"type": "string"}},
              "regions": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/RegionCode"},
                "description": "Empty means national."
              },
              "indicators": {"type": "array", "items": {"$ref": "#/components/schemas/Indicator"}},
              "affectedProducts": {"type": "array", "items": {"$ref": "#/components/schemas/AffectedProduct"}},
              "references": {"type": "array", "items": {"$ref": "#/components/schemas/Reference"}},
              "cvss": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/CVSSScore"},
                "description": "CVSS scores the source gives, recomputed from their vectors, highest first."
              },
              "knownExploited": {
                "type": "boolean",
                "description": "True when the vulnerability is known to be exploited: a CISA KEV entry names one of its CVEs, or the source says so (CSAF `exploit_status` threat, CVE ADP KEV or SSVC `Exploitation: active`, NVD `cisaExploitAdd`). Once true it stays true on later revisions."
              },
              "sourceVersion": {
                "type": "string",
                "description": "The source's own version of the document (CSAF `tracking.version`, a CVE record's `dateUpdated`, a CERT-FR revision date, a STIX `modified`), which tells its revisions apart."
              },
              "attributes": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Fields of the source kept as they are, namespaced by format (`csaf.category`, `cap.urgency`, `misp.tags`, `stix.types`, `kev.dueDate`…), and Tocsin's own notes (`tocsin.severitySource`: `source`, `cvss` or `default`; `tocsin.severityRaisedBecause`). Multi-valued fields are joined with line breaks."
              },
              "sourcePublishedAt": {"type": "string", "format": "date-time"},
              "sourceUpdatedAt": {
                "type": "string",
                "format": "date-time",
                "description": "The source's own date of the version this revision carries, when it gives one."
              },
              "receivedAt": {
                "type": "string",
                "format": "date-time",
                "description": "When Tocsin first received the alert."
              },
              "publishedAt": {
                "type": "string",
                "format": "date-time",
                "description": "When the first revision was published."
              },
              "updatedAt": {"type": "string", "format": "date-time", "description": "When this revision was published."},
              "publishedBy": {"type": "string", "description": "Id of the token that published this revision; shown to admins and publishers only, never sent to recipients."},
              "publisherOrgId": {"type": "string", "description": "The organisation that published the alert and alone (with admins) may revise or cancel it; shown to admins and publishers only."}
            }
          },
          "PublishedAlert": {
            "allOf": [
              {"$ref": "#/components/schemas/Alert"},
              {
                "type": "object",
                "required": ["deliveriesQueued"],
                "properties": {
                  "deliveriesQueued": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Deliveries written to the outbox for this revision."
                  }
                }
              }
            ]
          },
          "Contact": {
            "type": "object",
            "required": ["email"],
            "properties": {
              "name": {"type": "string"},
              "email": {"type": "string", "format": "email"},
              "role": {"type": "string"}
            }
          },
          "AlertPatch": {
            "type": "object",
            "description": "The fields of an alert that change (see AlertDraft for each); null removes a field.",
            "properties": {
              "title": {"type": "string"}, "summary": {"type": "string"}, "body": {"type": ["string", "null"]},
              "severity": {"$ref": "#/components/schemas/Severity"}, "tlp": {"$ref": "#/components/schemas/TLP"},
              "categories": {"type": ["array", "null"], "items": {"type": "string"}},
              "cves": {"type": ["array", "null"], "items": {"type": "string"}},
              "regions": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/RegionCode"}},
              "indicators": {"type": ["array", "null"], "items": {"type": "object"}},
              "affectedProducts": {"type": ["array", "null"], "items": {"type": "object"}},
              "references": {"type": ["array", "null"], "items": {"type": "object"}},
              "cvss": {"type": ["array", "null"], "items": {"type": "object"}},
              "knownExploited": {"type": "boolean"}, "source": {"type": ["string", "null"]}, "sourceRef": {"type": ["string", "null"]},
              "sourceVersion": {"type": ["string", "null"]}, "sourcePublishedAt": {"type": ["string", "null"], "format": "date-time"},
              "sourceUpdatedAt": {"type": ["string", "null"], "format": "date-time"},
              "attributes": {"type": ["object", "null"], "additionalProperties": {"type": ["string", "null"]}},
              "remove": {
                "type": "object",
                "description": "Entries to take out of lists: strings by value; indicators by value, references by url, affected products by product.",
                "properties": {
                  "cves": {"type": "array", "items": {"type": "string"}}, "categories": {"type": "array", "items": {"type": "string"}},
                  "regions": {"type": "array", "items": {"type": "string"}},
                  "indicators": {"type": "array", "items": {"type": "object", "properties": {"value": {"type": "string"}}}},
                  "references": {"type": "array", "items": {"type": "object", "properties": {"url": {"type": "string"}}}},
                  "affectedProducts": {"type": "array", "items": {"type": "object", "properties": {"product": {"type": "string"}}}}
                },
                "additionalProperties": false
              },
              "confirmWiden": {"type": "boolean", "description": "Accept a revision that reaches more organisations than the alert does now."}
            },
            "additionalProperties": false
          },
          "Organisation": {
            "type": "object",
            "required": ["id", "name", "kind", "national", "tlpClearance", "locale", "createdAt", "updatedAt"],
            "properties": {
              "id": {"type": "string"},
              "name": {"type": "string"},
              "kind": {"$ref": "#/components/schemas/OrganisationKind"},
              "region": {"$ref": "#/components/schemas/RegionCode", "description": "Absent for national bodies and for bodies in no region."},
              "national": {"type": "boolean", "description": "A national body: receives the alerts of every region that its filters match, as well as national ones."},
              "tlpClearance": {
                "$ref": "#/components/schemas/TLP",
                "description": "The most restricted marking the organisation may receive."
              },
              "locale": {"type": "string", "enum": ["fr", "en"]},
              "contacts": {"type": "array", "items": {"$ref": "#/components/schemas/Contact"}, "description": "Personal data: shown to admins and to the organisation itself only."},
              "createdAt": {"type": "string", "format": "date-time"},
              "updatedAt": {"type": "string", "format": "date-time"}
            }
          },
          "OrganisationInput": {
            "type": "object",
            "description": "Fields of an organisation; on PATCH only the fields present change.",
            "properties": {
              "name": {"type": "string", "minLength": 1, "maxLength": 300},
              "kind": {"$ref": "#/components/schemas/OrganisationKind", "default": "other"},
              "region": {"$ref": "#/components/schemas/RegionCode"},
              "national": {"type": "boolean", "default": false, "description": "Every region; refused together with a region."},
              "tlpClearance": {"$ref": "#/components/schemas/TLP", "default": "GREEN"},
              "locale": {"type": "string", "enum": ["fr", "en"], "default": "fr"},
              "contacts": {"type": "array", "items": {"$ref": "#/components/schemas/Contact"}}
            },
            "additionalProperties": false
          },
          "SubscriptionFilter": {
            "type": "object",
            "description": "Narrows what the subscription receives, on top of the organisation's TLP clearance and region. An empty list means no restriction; a non-empty list matches when the alert shares at least one item with it.",
            "properties": {
              "minSeverity": {"$ref": "#/components/schemas/Severity"},
              "categories": {"type": "array", "items": {"type": "string"}, "maxItems": 500},
              "regions": {"type": "array", "items": {"$ref": "#/components/schemas/RegionCode"}, "maxItems": 500},
              "keywords": {
                "type": "array",
                "items": {"type": "string", "maxLength": 200},
                "maxItems": 500,
                "description": "Matched in title, summary or body, ignoring case and accents."
              },
              "cves": {"type": "array", "items": {"type": "string"}, "maxItems": 500},
              "onlyInventoryMatches": {
                "type": "boolean",
                "default": false,
                "description": "Only alerts whose affected products match the organisation's declared inventory (a version in an affected range, or the product when a version cannot be told). A later revision still reaches the subscriptions that received an earlier one."
              }
            }
          },
          "Subscription": {
            "type": "object",
            "required": ["id", "orgId", "channel", "target", "filter", "active", "createdAt", "updatedAt"],
            "properties": {
              "id": {"type": "string"},
              "orgId": {"type": "string"},
              "channel": {"$ref": "#/components/schemas/Channel"},
              "target": {"type": "string", "description": "Webhook URL, email address, or empty for a feed."},
              "filter": {"$ref": "#/components/schemas/SubscriptionFilter"},
              "active": {"type": "boolean"},
              "digest": {"$ref": "#/components/schemas/DigestMode"},
              "disabledReason": {
                "type": "string",
                "description": "Why Tocsin turned the subscription off (e.g. the webhook answered 410 Gone)."
              },
              "createdAt": {"type": "string", "format": "date-time"},
              "updatedAt": {"type": "string", "format": "date-time"}
            }
          },
          "SubscriptionCreate": {
            "type": "object",
            "required": ["channel"],
            "properties": {
              "orgId": {
                "type": "string",
                "description": "Required for admins; a subscriber's own organisation when absent."
              },
              "channel": {"$ref": "#/components/schemas/Channel"},
              "target": {
                "type": "string",
                "description": "https URL for a webhook, email address for email; omitted for a feed."
              },
              "filter": {"$ref": "#/components/schemas/SubscriptionFilter"},
              "active": {"type": "boolean", "default": true},
              "digest": {"$ref": "#/components/schemas/DigestMode"}
            }
          },
          "DigestMode": {
            "type": "string",
            "enum": ["immediate", "hourly", "daily"],
            "default": "immediate",
            "description": "Email only: send each alert at once, or gather the alerts into one message per hour (at the top of the hour) or per day (at digests.dailyAt, 07:00 Paris time by default)."
          },
          "SubscriptionPatch": {
            "type": "object",
            "properties": {
              "target": {"type": "string"},
              "filter": {"$ref": "#/components/schemas/SubscriptionFilter"},
              "active": {"type": "boolean"},
              "digest": {"$ref": "#/components/schemas/DigestMode"}
            }
          },
          "NewSubscription": {
            "allOf": [
              {"$ref": "#/components/schemas/Subscription"},
              {
                "type": "object",
                "properties": {
                  "secret": {
                    "type": "string",
                    "description": "Webhook signing secret (`whsec_…`); webhook subscriptions only, shown once."
                  },
                  "feedToken": {
                    "type": "string",
                    "description": "Token to read the feed; feed subscriptions only, shown once."
                  }
                }
              }
            ]
          },
          "TokenCreate": {
            "type": "object",
            "required": ["role"],
            "properties": {
              "role": {"$ref": "#/components/schemas/Role"},
              "orgId": {"type": "string", "description": "Required for subscriber and relay tokens."},
              "label": {"type": "string", "maxLength": 200},
              "expiresAt": {"type": "string", "format": "date-time", "description": "After this date the token is refused; it must be in the future."}
            },
            "additionalProperties": false
          },
          "Token": {
            "type": "object",
            "description": "An API token as listed: never its value.",
            "required": ["id", "role", "createdAt"],
            "properties": {
              "id": {"type": "string"},
              "role": {"$ref": "#/components/schemas/Role"},
              "orgId": {"type": "string"},
              "label": {"type": "string"},
              "createdAt": {"type": "string", "format": "date-time"},
              "lastUsedAt": {"type": "string", "format": "date-time", "description": "To the minute."},
              "expiresAt": {"type": "string", "format": "date-time"},
              "revokedAt": {"type": "string", "format": "date-time"}
            }
          },
          "AuditEntry": {
            "type": "object",
            "required": ["sequence", "at", "action", "outcome"],
            "properties": {
              "sequence": {"type": "integer"},
              "at": {"type": "string", "format": "date-time"},
              "actor": {"type": "string", "description": "Token id, `cli`, or `source:<name>`; absent when no valid token was presented."},
              "actorRole": {"$ref": "#/components/schemas/Role"},
              "orgId": {"type": "string"},
              "action": {"type": "string", "description": "alert.publish, alert.revise, alert.cancel, ingest, token.create, token.revoke, organisation.create|update|delete, subscription.create|update|delete, inventory.replace|delete, inventory.part.replace|delete, delivery.redeliver, source.poll, auth.refused, or `read <route>` for a refused read."},
              "target": {"type": "string"},
              "sourceAddress": {"type": "string"},
              "outcome": {"type": "string", "enum": ["ok", "refused", "failed"]},
              "status": {"type": "integer"},
              "detail": {"type": "string"}
            }
          },
          "NewToken": {
            "type": "object",
            "required": ["id", "token", "role", "createdAt"],
            "properties": {
              "id": {"type": "string"},
              "token": {"type": "string", "description": "The bearer token (`tcs_…`); shown once, stored hashed."},
              "role": {"$ref": "#/components/schemas/Role"},
              "orgId": {"type": "string"},
              "label": {"type": "string"},
              "createdAt": {"type": "string", "format": "date-time"},
              "expiresAt": {"type": "string", "format": "date-time"}
            }
          },
          "Delivery": {
            "type": "object",
            "description": "One alert revision sent to one subscription.",
            "required": [
              "id",
              "alertId",
              "revision",
              "subscriptionId",
              "orgId",
              "channel",
              "state",
              "attempts",
              "createdAt",
              "updatedAt"
            ],
            "properties": {
              "orgName": {"type": "string", "description": "The recipient organisation's name."},
              "target": {"type": "string", "description": "Where the delivery goes (webhook URL or address); shown to admins and to the organisation itself only."},
              "id": {
                "type": "string",
                "description": "Also the `webhook-id`: the same for every attempt and redelivery."
              },
              "alertId": {"type": "string"},
              "revision": {"type": "integer", "minimum": 1},
              "subscriptionId": {"type": "string"},
              "orgId": {"type": "string"},
              "channel": {"$ref": "#/components/schemas/Channel"},
              "state": {"$ref": "#/components/schemas/DeliveryState"},
              "attempts": {"type": "integer", "minimum": 0},
              "nextAttemptAt": {"type": "string", "format": "date-time"},
              "leaseUntil": {"type": "string", "format": "date-time"},
              "lastError": {"type": "string"},
              "lastStatus": {"type": "integer", "description": "Last HTTP status (webhook) or SMTP reply code (email)."},
              "createdAt": {"type": "string", "format": "date-time"},
              "updatedAt": {"type": "string", "format": "date-time"},
              "deliveredAt": {"type": "string", "format": "date-time"},
              "concerns": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/InventoryConcern"},
                "description": "The recipient's inventory items the alert concerns, computed when the revision was routed; empty or absent when none matched or none was declared."
              }
            }
          },
          "DeliveryAttempt": {
            "type": "object",
            "required": ["deliveryId", "number", "startedAt", "durationMs", "outcome"],
            "properties": {
              "deliveryId": {"type": "string"},
              "number": {"type": "integer", "minimum": 1},
              "startedAt": {"type": "string", "format": "date-time"},
              "durationMs": {"type": "integer", "minimum": 0},
              "outcome": {"type": "string", "enum": ["success", "retryable", "permanent", "gone"]},
              "status": {"type": "integer"},
              "error": {"type": "string"}
            }
          },
          "DeliveryDetail": {
            "allOf": [
              {"$ref": "#/components/schemas/Delivery"},
              {
                "type": "object",
                "required": ["history"],
                "properties": {
                  "history": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/DeliveryAttempt"},
                    "description": "Attempts, oldest first."
                  }
                }
              }
            ]
          },
          "AlertList": {
            "type": "object",
            "description": "A page of alerts.",
            "required": ["items"],
            "properties": {
              "items": {"type": "array", "items": {"$ref": "#/components/schemas/Alert"}},
              "nextCursor": {
                "type": ["string", "null"],
                "description": "Pass as `cursor` to get the next page; null or absent on the last page."
              }
            }
          },
          "OrganisationList": {
            "type": "object",
            "description": "A page of organisations.",
            "required": ["items"],
            "properties": {
              "items": {"type": "array", "items": {"$ref": "#/components/schemas/Organisation"}},
              "nextCursor": {
                "type": ["string", "null"],
                "description": "Pass as `cursor` to get the next page; null or absent on the last page."
              }
            }
          },
          "SubscriptionList": {
            "type": "object",
            "description": "A page of subscriptions.",
            "required": ["items"],
            "properties": {
              "items": {"type": "array", "items": {"$ref": "#/components/schemas/Subscription"}},
              "nextCursor": {
                "type": ["string", "null"],
                "description": "Pass as `cursor` to get the next page; null or absent on the last page."
              }
            }
          },
          "DeliveryList": {
            "type": "object",
            "description": "A page of deliveries.",
            "required": ["items"],
            "properties": {
              "items": {"type": "array", "items": {"$ref": "#/components/schemas/Delivery"}},
              "nextCursor": {
                "type": ["string", "null"],
                "description": "Pass as `cursor` to get the next page; null or absent on the last page."
              }
            }
          },
          "Problem": {
            "type": "object",
            "description": "An RFC 9457 problem details document.",
            "required": ["type", "title", "status"],
            "properties": {
              "type": {
                "type": "string",
                "description": "`urn:tocsin:problem:` followed by unauthorized, forbidden, not-found, method-not-allowed, invalid-json, validation, invalid-document, payload-too-large, unsupported-media-type, conflict, target-refused or internal.",
                "examples": ["urn:tocsin:problem:validation"]
              },
              "title": {"type": "string"},
              "status": {"type": "integer"},
              "detail": {"type": "string"},
              "field": {"type": "string", "description": "Path of the offending field, e.g. `indicators[3].value`."}
            }
          },
          "WebhookEvent": {
            "type": "object",
            "description": "The body of a webhook delivery. `data` is the alert every recipient shares; `concerns`, at the top level, is for this recipient only.",
            "required": ["type", "timestamp", "data"],
            "properties": {
              "type": {"type": "string", "enum": ["alert.published", "alert.updated", "alert.cancelled"]},
              "timestamp": {"type": "string", "format": "date-time"},
              "data": {"$ref": "#/components/schemas/Alert"},
              "concerns": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/InventoryConcern"},
                "description": "What of the recipient organisation's declared inventory the alert concerns; absent when nothing matched or no inventory was declared."
              }
            }
          },
          "InventoryConcern": {
            "type": "object",
            "description": "Why an alert concerns one organisation: an item of its declared inventory matched one of the alert's affected products.",
            "required": ["item", "product", "confidence", "french", "english"],
            "properties": {
              "item": {"type": "string", "description": "The inventory item as declared, e.g. `Philips Vue PACS 12.2.6.10`."},
              "product": {"type": "string", "description": "The affected product of the alert it matched."},
              "confidence": {
                "type": "string",
                "enum": ["versionInRange", "productOnly"],
                "description": "`versionInRange`: the item's version is affected. `productOnly`: the product matches but whether this version (or this vendor's product) is affected could not be told."
              },
              "french": {"type": "string", "examples": ["concerne votre Philips Vue PACS 12.2.6.10"]},
              "english": {"type": "string", "examples": ["concerns your Philips Vue PACS 12.2.6.10"]}
            }
          },
          "InventoryItemInput": {
            "type": "object",
            "description": "One declared item. `product` is required unless a `cpe` or `purl` names it; the other fields are optional and other keys are ignored. Strings are at most 512 characters, without control characters.",
            "properties": {
              "vendor": {"type": "string"},
              "product": {"type": "string"},
              "version": {"type": "string", "description": "Unknown when absent: matches are then product-only."},
              "cpe": {"type": "string", "description": "CPE 2.3 formatted string or CPE 2.2 URI."},
              "purl": {"type": "string", "description": "Package URL, e.g. `pkg:maven/org.apache.zookeeper/zookeeper@3.9.1`."},
              "label": {"type": "string", "description": "The organisation's own name for it (`IRM bloc B`), shown in what recipients read."}
            }
          },
          "InventoryItem": {
            "allOf": [{"$ref": "#/components/schemas/InventoryItemInput"}, {"required": ["product"]}]
          },
          "Inventory": {
            "type": "object",
            "required": ["orgId", "items"],
            "properties": {
              "orgId": {"type": "string"},
              "items": {"type": "array", "items": {"$ref": "#/components/schemas/InventoryItem"}, "maxItems": 50000, "description": "The merged inventory: every part's items, each once."},
              "parts": {"type": "array", "items": {"$ref": "#/components/schemas/InventoryPartSummary"}, "description": "The parts the inventory was declared in; a whole inventory is the one part `default`."}
            }
          },
          "InventoryPartSummary": {
            "type": "object",
            "required": ["name", "items", "updatedAt"],
            "properties": {
              "name": {"type": "string"},
              "items": {"type": "integer", "minimum": 0},
              "updatedAt": {"type": "string", "format": "date-time"}
            }
          },
          "InventoryPart": {
            "type": "object",
            "required": ["orgId", "part", "items", "inventoryItems"],
            "properties": {
              "orgId": {"type": "string"},
              "part": {"type": "string"},
              "items": {"type": "array", "items": {"$ref": "#/components/schemas/InventoryItem"}, "maxItems": 10000},
              "inventoryItems": {"type": "integer", "minimum": 0, "description": "How many items the merged inventory holds."}
            }
          },
          "IngestFormat": {
            "type": "string",
            "enum": ["csaf", "stix", "misp", "cap", "feed", "certfr", "cve", "kev", "native"],
            "description": "csaf: CSAF 2.0/2.1 and VEX; stix: STIX 2.1 bundles; misp: MISP events; cap: CAP 1.2/1.1; feed: RSS, Atom, JSON Feed; certfr: CERT-FR JSON documents and RSS feeds; cve: CVE JSON 5 records and NVD API 2.0 pages; kev: the CISA KEV catalog; native: the publish API's JSON."
          },
          "IngestFormatOrAuto": {
            "type": "string",
            "enum": ["auto", "csaf", "stix", "misp", "cap", "feed", "certfr", "cve", "kev", "native"]
          },
          "IngestReport": {
            "type": "object",
            "description": "What ingesting one document did.",
            "required": ["format", "items"],
            "properties": {
              "format": {"$ref": "#/components/schemas/IngestFormat"},
              "items": {"type": "array", "items": {"$ref": "#/components/schemas/IngestReportItem"}}
            },
            "example": {
              "format": "csaf",
              "items": [{"action": "published", "alertId": "9b2d4c1e-…", "revision": 1, "sourceRef": "ICSMA-24-200-01", "title": "Philips Vue PACS"}]
            }
          },
          "IngestReportItem": {
            "type": "object",
            "required": ["action", "title"],
            "properties": {
              "action": {
                "type": "string",
                "enum": ["published", "revised", "unchanged", "cancelled", "flagged", "not_found"],
                "description": "published: a new alert; revised: a new revision of the alert known under the same source reference; unchanged: already known as it is, or an older copy; cancelled: a CAP Cancel or a revoked STIX report cancelled the alert; flagged: a KEV entry set `knownExploited` on an alert of another source; not_found: a cancel or update named a document never received."
              },
              "alertId": {"type": "string"},
              "revision": {"type": "integer", "minimum": 1},
              "sourceRef": {"type": "string", "description": "The document's identity in its source (for a flag, the CVE id)."},
              "title": {"type": "string"}
            }
          },
          "SourceHealth": {
            "type": "object",
            "description": "A polled source's configuration and health. Never holds a header value, URL credentials or query values.",
            "required": ["name", "format", "kind", "url", "enabled", "interval", "headerNames", "consecutiveFailures", "itemsSeen", "documentsFailed", "alertsPublished", "alertsRevised", "alertsCancelled", "alertsUnchanged"],
            "properties": {
              "name": {"type": "string"},
              "format": {"type": "string", "description": "An ingest format or `csaf-provider`."},
              "kind": {"type": "string", "enum": ["document", "feed", "csaf-provider"]},
              "url": {"type": "string", "description": "The URL with query values hidden."},
              "enabled": {"type": "boolean"},
              "interval": {"type": "number", "description": "Seconds between two rounds when the source answers."},
              "headerNames": {"type": "array", "items": {"type": "string"}, "description": "Names of the configured request headers; their values are secret."},
              "lastAttemptAt": {"type": "string", "format": "date-time"},
              "lastSuccessAt": {"type": "string", "format": "date-time", "description": "End of the last round that met no error."},
              "nextAttemptAt": {"type": "string", "format": "date-time", "description": "When the next round is due (interval, jitter and backoff applied)."},
              "lastError": {"type": "string", "description": "What went wrong in the last round, secrets removed; absent after a round without error."},
              "lastStatus": {
                "type": "string",
                "enum": ["updated", "unchanged", "partial", "failed"],
                "description": "updated: a document changed something; unchanged: nothing new; partial: some documents failed, the others went through; failed: the source itself could not be fetched or read."
              },
              "lastHTTPStatus": {"type": "integer", "description": "The HTTP status of the source URL in the last round."},
              "consecutiveFailures": {"type": "integer", "minimum": 0, "description": "Rounds in a row that met an error; drives the backoff."},
              "itemsSeen": {"type": "integer", "minimum": 0, "description": "Documents handed to ingestion, since the source was first polled."},
              "documentsFailed": {"type": "integer", "minimum": 0},
              "alertsPublished": {"type": "integer", "minimum": 0},
              "alertsRevised": {"type": "integer", "minimum": 0, "description": "Revisions, KEV flags included."},
              "alertsCancelled": {"type": "integer", "minimum": 0},
              "alertsUnchanged": {"type": "integer", "minimum": 0}
            }
          },
          "SourceList": {
            "type": "object",
            "required": ["items"],
            "properties": {
              "items": {"type": "array", "items": {"$ref": "#/components/schemas/SourceHealth"}},
              "nextCursor": {"type": ["string", "null"], "description": "Always null: every source is listed at once."}
            }
          }
        }
      }
    }
    """#
}
