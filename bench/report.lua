-- wrk script: POSTs distinct ~1.9 KB reports of the PROTOCOL.md shape.
-- Each wrk thread owns 5,000 customers (bench-<thread>-<n>); every pass over
-- them moves the timestamp 15 minutes on, so no request is a retry.
local counter = 0
local tid = 0
local threads = {}
local per_thread = tonumber(os.getenv("BENCH_CUSTOMERS_PER_THREAD") or "5000")
local base = 1795000000

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  tid = wrk.thread:get("tid") or 0
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "bench-key")
  wrk.headers["Content-Type"] = "application/json"
  math.randomseed(tid * 7919 + 1)
end

local template = [[{"customer_id":"%s","timestamp":"%s","controller_version":"1.8.%d","controller_url":"https://%s.felhom.eu:8443","health":"%s","monitoring_disabled":false,"system":{"hostname":"felhom-%05d","os":"Debian 12","kernel":"6.1.0-28-amd64","uptime_seconds":%d,"cpu_percent":%.1f,"load_avg":[%.2f,%.2f,%.2f],"memory_total_bytes":8208000000,"memory_used_bytes":%d,"temperature_c":%.1f},"storage":[{"mount_point":"/","label":"system","uuid":"1b2c3d4e-%04x-4a5b-9c8d-%012x","fs_type":"ext4","total_bytes":250000000000,"used_bytes":%d,"smart_ok":true},{"mount_point":"/mnt/hdd1","label":"hdd1","uuid":"7f8e9d0c-%04x-4b3a-8c7d-%012x","fs_type":"ext4","total_bytes":4000000000000,"used_bytes":%d,"smart_ok":true}],"containers":[{"name":"nextcloud","image":"nextcloud:29","state":"running","health":"healthy","restart_count":0},{"name":"nextcloud-db","image":"postgres:16","state":"running","health":"healthy","restart_count":0},{"name":"nextcloud-redis","image":"redis:7","state":"running","health":"healthy","restart_count":%d},{"name":"immich","image":"ghcr.io/immich-app/immich-server:v1.120","state":"running","health":"healthy","restart_count":0},{"name":"jellyfin","image":"jellyfin/jellyfin:10.10","state":"running","health":"healthy","restart_count":0},{"name":"cloudflared","image":"cloudflare/cloudflared:2024.11","state":"running","health":"healthy","restart_count":0}],"backup":{"last_backup_at":"%s","last_backup_ok":true,"last_dbdump_at":"%s","last_dbdump_ok":true,"snapshot_count":%d,"repo_size_bytes":%d},"checks":[{"name":"tunnel","status":"ok","message":""},{"name":"dns","status":"ok","message":""},{"name":"disk_space","status":"ok","message":"%d%% used"},{"name":"smart","status":"ok","message":""}]}]]

local function iso(t)
  return os.date("!%Y-%m-%dT%H:%M:%SZ", t)
end

request = function()
  local n = counter % per_thread
  local round = math.floor(counter / per_thread)
  counter = counter + 1
  local id = string.format("bench-%d-%05d", tid, n)
  local t = base + round * 900 + (n % 900)
  local health = (n % 50 == 0) and "warn" or "ok"
  local body = string.format(template, id, iso(t), n % 4, id, health, n,
    864000 + round * 900, math.random() * 100, math.random() * 2, math.random() * 2, math.random() * 2,
    2000000000 + math.random(0, 4000000000), math.random() * 20 + 40,
    n, n * 7919, 50000000000 + math.random(0, 100000000000),
    n, n * 104729, 1000000000000 + math.random(0, 2000000000000),
    math.random(0, 3), iso(t - 28800), iso(t - 30600), 40 + round, 100000000000 + n * 1000,
    math.random(10, 90))
  return wrk.format("POST", "/api/v1/report", nil, body)
end
