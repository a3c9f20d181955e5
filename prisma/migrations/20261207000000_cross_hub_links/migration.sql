-- Cross-hub linking and hub facts (docs/hubs.md): a hub's facts without a column of their own
-- (`hub_data`, outside the snapshot), the models a record itself declares to be the same model on
-- other hubs (`same_as_declared`, e.g. OpenRouter's `hugging_face_id`), and the normalized
-- author/name key that finds unambiguous mirrors (`mirror_key`, written by ingest).
ALTER TABLE "models" ADD COLUMN "hub_data" JSONB,
ADD COLUMN "same_as_declared" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "mirror_key" TEXT;

-- "Who declares me?": the reverse lookup, so a link holds from both sides whichever hub came first.
CREATE INDEX "models_same_as_declared_idx" ON "models" USING GIN ("same_as_declared");

-- Mirrors: models of other hubs with the same key.
CREATE INDEX "models_mirror_key_hub_id_idx" ON "models"("mirror_key", "hub_id");

-- `Model.derivatives`: the models of the hub that list this one among their base models.
CREATE INDEX "models_base_models_idx" ON "models" USING GIN ("base_models");
