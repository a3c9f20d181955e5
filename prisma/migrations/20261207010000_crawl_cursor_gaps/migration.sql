-- Cursor gaps per crawl run (docs/hubs.md, Civitai): pages whose cursor skipped a model the hub
-- still lists, found and recovered by the adapter.
ALTER TABLE "crawl_runs" ADD COLUMN "cursor_gaps" INTEGER NOT NULL DEFAULT 0;
