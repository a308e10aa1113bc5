"""PPG Desk: offline feedback, surveys and meeting packs for GP Patient Participation Groups."""

__version__ = "0.1.0"
APP_NAME = "PPG Desk"
