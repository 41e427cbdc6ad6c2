/// The admin API's reference, shown by `GET /__admin` and `dingsync-sandbox --help`
/// (lines kept under 80 columns so the help is not re-wrapped).
public enum AdminHelp {
    public static let text = """
        ADMIN API (JSON in and out, no authentication, all under /__admin/):
          GET    /__admin
              this list
          GET    /__admin/info
              credentials, base URL, app_token, table ids, process codes,
              webhook URL and secret, clock, settings
          GET    /__admin/settings
              the fault and limit knobs
          POST   /__admin/settings
              partial update of any of: latency_ms, error_rate, throttle_rate,
              timeout_rate, feishu_write_hold_ms, feishu_read_hold_ms,
              dingtalk_qps, feishu_write_qps, feishu_read_qps, feishu_schema_qps,
              webhook_per_second, webhook_per_minute, max_ids_per_query,
              row_limit, feishu_max_page_bytes (a records search/list page
              larger than this many bytes is answered 1254030
              TooLargeResponse; 0 = no limit), token_lifetime,
              monthly_quota (both platforms),
              dingtalk_monthly_quota, feishu_monthly_quota, dingtalk_ip_blocked,
              webhook_ip_blocked, revoked_scopes, new_api_times (beijing|utc),
              new_api_success (boolean|string: new-API "success" as true or
              as "true")
          POST   /__admin/faults
              the next COUNT calls to ENDPOINT fail with FAULT:
              {"endpoint":"feishu.records.batch_create","count":2,
               "fault":"throttle"}
              endpoint: a name from /__admin/endpoints, "prefix.*" or "*";
              fault: server_error, throttle, global_throttle, timeout (Feishu:
              the call is carried out, then answered 1255040/HTTP 504),
              write_conflict, token_invalid, permission, ip, quota, flood,
              drop (connection closed, no answer), delay ({"delay_ms":N}),
              custom ({"status":502,"body":{...} or "text","headers":{...}};
              e.g. status 200 and {"success":true,"result":{"status":
              "RUNNING"}}: a detail without title or originator),
              trickle (answered normally, but the body is sent
              "piece_bytes" bytes (16) every "interval_ms" ms (1000) under a
              Content-Length; stops if the client hangs up),
              stuck_cursor (listings only, dingtalk.v1.instanceIds.query and
              dingtalk.topapi.listids: the answer's nextToken / next_cursor
              is the request's own; the ids are the requested page's)
          GET    /__admin/faults
              pending injections (DELETE /__admin/faults clears them)
          GET    /__admin/endpoints
              endpoint names used by counters and injections
          GET    /__admin/scopes
              revoked scopes
          POST   /__admin/scopes/revoke   and   POST /__admin/scopes/grant
              {"scope":"Workflow.Instance.Read"}; also Workflow.Form.Read,
              qyapi_get_member, qyapi_get_department_list, bitable:app
          POST   /__admin/tokens/expire
              every DingTalk and Feishu token expires now
          GET    /__admin/clock
              the sandbox clock (ms and ISO 8601)
          POST   /__admin/clock/advance
              {"seconds":7200}: moves the sandbox clock on (token expiry, month
              roll-over, listing windows, the admin's "now", the Date header);
              negative seconds move it back
          GET    /__admin/counters
              per endpoint: calls, ok, errors, throttled, in_flight,
              max_concurrency; per table: calls, reads, writes, conflicts,
              max_concurrency; this month's counted calls per platform;
              trickles: started, active, completed, abandoned
          POST   /__admin/counters/reset
              zero them (and the rate-limit windows)
          GET    /__admin/webhook/messages
              what the bot received: body, signature check, answer code
              (DELETE /__admin/webhook/messages forgets them)
          GET    /__admin/departments  /__admin/users  /__admin/templates
              the generated organisation
          GET    /__admin/instances?process_code=CODE&status=STATUS
              instance summaries: id, status, result, times, current node
          POST   /__admin/instances
              create: {"count":1,"template":"请假"|"leave"|"PROC-...",
              "create_time":"2025-04-01T09:00:00+08:00" or ms,
              "originator":"userid","status":"RUNNING"|"NEW"|"COMPLETED"|
              "TERMINATED"|"CANCELED","result":"agree"|"refuse",
              "form":{"报销金额":"1.234,56"} (sets the values of those form fields),
              "tables":{"费用明细":[{"费用类型":"差旅费","金额（元）":"120"}]}
              (replaces a table field's lines)}
              (defaults: RUNNING, now, a random template and originator)
          GET    /__admin/instances/ID
              one instance in both renderings (legacy and new)
          POST   /__admin/instances/ID/approve
              {"result":"agree"|"refuse","remark":"..."}: the open node only
          POST   /__admin/instances/ID/finish
              {"result":"agree"|"refuse","remark":"..."}: all remaining nodes
          POST   /__admin/instances/ID/terminate
              {"remark":"...","result":""|"refuse"}: withdrawn by the originator
          POST   /__admin/instances/ID/remark
              {"remark":"...","userid":"..."}: an ADD_REMARK record
          POST   /__admin/instances/ID/forward
              {"userid":"..."} (default: another user): the running task is
              handed over (REDIRECT_TASK record, a new RUNNING task)
          POST   /__admin/instances/ID/form
              {"form":{"label":"text"},"tables":{"费用明细":[{"column":"text"},…]}}:
              edit field values; replace a table field's lines (lines removed and added)
          GET    /__admin/tables
              the base's tables with fields, views (with filters) and row counts
          GET    /__admin/tables/TABLE/records
              every row: record_id, plain values, created and modified times
          POST   /__admin/tables/TABLE/records
              add a row by hand: {"fields":{...}} (no validation, no limits)
          PATCH  /__admin/tables/TABLE/records/REC
              edit by hand: {"fields":{"status":"已同意","amount":null}}
          DELETE /__admin/tables/TABLE/records/REC
              delete by hand (DELETE /__admin/tables/TABLE/records empties it)
          POST   /__admin/tables/TABLE/records/REC/duplicate
              copy a row (a duplicate key, as a person might make one)
          POST   /__admin/reset
              the whole world back to its start (same seed, same ids); also
              drops every Stream connection and forgets tickets and events
          GET    /__admin/stream/connections
              open Stream connections: id, state (open|disconnecting),
              opened_at, remote_address, ua, local_ip, delivered, acked,
              in_flight, pings_sent, pings_answered
          POST   /__admin/stream/drop
              {"id":N} or {} (every connection): closed at once, no close
              frame; unacked events are redelivered after their ack timeout
          POST   /__admin/stream/disconnect
              {"id":N,"close_after_ms":M} or {}: a SYSTEM disconnect frame,
              then closed M ms later (default --stream-disconnect-close-ms);
              no new events meanwhile
          POST   /__admin/stream/faults
              {"fault":"lose"|"duplicate","count":N}: the next N deliveries
              are lost (counted as delivered, never sent, never redelivered:
              only a catch-up finds them) or sent twice (same eventId, new
              messageId); GET shows pending ones, DELETE clears them
          GET    /__admin/stream/counters
              generated, delivered, acked, nacked, timed_out, redelivered,
              lost, duplicated, given_up, dropped, over_quota, pending
              (queued + in_flight + awaiting_redelivery), acks_unknown,
              bad_frames, connections {open, opened, closed, tickets_issued,
              auth_failed, handshakes_refused}, system {pings_sent,
              pings_answered, disconnects_sent}, monthly {month, events,
              quota, remaining, over_quota}, faults
          POST   /__admin/stream/counters/reset
              zero the Stream counts and this month's deliveries
          GET    /__admin/stream/events
              events not yet consumed: queued, in_flight (message_id,
              connection) or awaiting_redelivery, with their deliveries
        """

    /// The OA premium listing as the sandbox serves it (`--help`).
    public static let premium = """
        PREMIUM (OA高级版 paged instances with details, reference §12):
          GET /v1.0/workflow/premium/processes/pages/instances?processCode=..
              &startTimeInMills=MS[&endTimeInMills=MS]&maxResults=1..20
              [&nextToken=1][&appUuid=..]   (token header; scope
              Premium.Workflow.ReadWrite.All, revocable like the others)
              -> {"result":{"nextToken":"2","hasMore":true,"maxResults":20,
              "list":[whole instances: form values without componentType,
              records with timestamp/operationType and no showName/activityId,
              tasks with createTimestamp/finishTimestamp and activityId]}}
          nextToken is a 1-based page number as text ("1" first, the default);
          hasMore:false marks the last page (its nextToken still names the
          page after it: stop on hasMore). Counted, throttled and
          quota-counted like the other DingTalk APIs
          (dingtalk.v1.premium.instances.list).
          Without --premium: 400 benefit.status.invalid 权益校验失败，未开通或过期.
          Errors: start older than 5 years, end before start, span over 120
          days (or a start alone over 120 days ago), a missing or unreadable
          time: 400 timeStamp.invalid; maxResults missing or outside 1..20:
          400 pageSize.invalid; nextToken not a page number >= 1: 400
          pageIndex.invalid; processCode missing or unknown: 400
          processCode.error. The twin GET /v1.0/workflow/processes/pages/
          instances (§12.4, eligibility unverified) is not served.
        """

    /// DingTalk Stream mode as the sandbox serves it (`--help`, `GET /__admin`).
    public static let stream = """
        STREAM (DingTalk Stream mode, reference §11):
          POST /v1.0/gateway/connections/open
              {"clientId":APP_KEY,"clientSecret":APP_SECRET,
               "subscriptions":[{"type":"EVENT","topic":"*"}],"ua":..,
               "localIp":..} -> {"endpoint":"ws://HOST:PORT/connect",
              "ticket":UUID}; wrong credentials: 401 authFailed. A ticket is
              good for one connection within --stream-ticket-ttl s (90) of
              the sandbox clock.
          GET /connect?ticket=T  (WebSocket upgrade, the connection's first
              request): text frames {"specVersion":"1.0","type":"EVENT"|
              "SYSTEM","headers":{...all strings...},"data":"<JSON text>"}.
          Events: every instance change (admin create, approve, finish,
              terminate, remark) -> bpms_instance_change start | finish
              (result) | terminate and bpms_task_change start | finish
              (agree|refuse|redirect, remark) | cancel | comment, each pushed
              to one open connection chosen at random (seeded); queued (up
              to --stream-queue-limit) while none is open.
          Acks: {"code":200,"headers":{"messageId":M},"data":
              "{\\"status\\":\\"SUCCESS\\"}"} consumes the event; code != 200
              or status LATER, or no ack within --stream-ack-timeout-ms
              (3000): redelivered (same eventId, new messageId) after each
              wait of --stream-redelivery-ms (10000,30000), then given up.
          SYSTEM ping every --stream-ping-interval-ms (45000), answer
              {"code":200,"headers":{"messageId":M},"data":
              "{\\"opaque\\":\\"<same>\\"}"}; SYSTEM disconnect (admin API),
              closed --stream-disconnect-close-ms (10000) later.
          Past --stream-monthly-quota deliveries in a natural month, events
              arrive without content: data {"errCode":20001,"errMsg":..}.
        """
}
