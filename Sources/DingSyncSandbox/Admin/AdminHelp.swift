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
              row_limit, token_lifetime, monthly_quota (both platforms),
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
              "TERMINATED"|"CANCELED","result":"agree"|"refuse"}
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
          GET    /__admin/tables
              the base's tables with fields and row counts
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
              the whole world back to its start (same seed, same ids)
        """
}
