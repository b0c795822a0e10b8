-- wrk script for the lead intake benchmark (bench/bench_leads.py fills TOKENS and RUN_TAG).
-- Alternates the site token (with an ad source) and the partner token (with an external id);
-- 5 % of posts repeat an earlier phone so deduplication answers 200. PER_REQUEST: every post on a connection of its
-- own ("Connection: close", as nginx talks to gunicorn by default), else keep-alive connections.
local TOKENS = { "__TOKENS__" }
local PER_REQUEST = __PER_REQUEST__
local RUN_TAG = "__RUN_TAG__"
local SOURCES = { "site-bfl", "yandex-direct", "vk-ads", "whatsapp", "telegram", "call-8800", "radio" }
local threads = {}

setup = function(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

init = function(args)
  math.randomseed(os.time() + tid * 7919)
  counter, earlier, codes = 0, {}, {}
end

request = function()
  counter = counter + 1
  local phone
  if #earlier > 0 and math.random() < 0.05 then
    phone = earlier[math.random(#earlier)]
  else
    phone = string.format("+79%09d", math.random(0, 999999999))
    table.insert(earlier, phone)
  end
  local token = TOKENS[(counter % #TOKENS) + 1]
  local extra
  if counter % #TOKENS == 0 then
    extra = string.format('"source":"%s"', SOURCES[(counter % #SOURCES) + 1])
  else
    extra = string.format('"external_id":"wrk-%s-%d-%d"', RUN_TAG, tid, counter)
  end
  local body = string.format(
    '{"phone":"%s","name":"Бенчмарк %d","comment":"Долг 700 тыс., три банка","utm_source":"bench",' ..
    '"utm_campaign":"%s","consent_personal_data":true,%s}', phone, counter, RUN_TAG, extra)
  local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Token " .. token }
  if PER_REQUEST then headers["Connection"] = "close" end
  return wrk.format("POST", "/api/v1/leads/", headers, body)
end

response = function(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

done = function(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("codes")) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, string.format('"%d":%d', status, n)) end
  io.write(string.format('RESULT {"n":%d,"elapsed":%f,"p50":%f,"p95":%f,"p99":%f,"errors":%d,"codes":{%s}}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, table.concat(parts, ",")))
end
