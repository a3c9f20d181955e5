-- AlterTable
ALTER TABLE "models" ADD COLUMN     "snapshot" JSONB NOT NULL DEFAULT '{}';
