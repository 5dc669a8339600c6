from django.apps import AppConfig


class AiAnalysisConfig(AppConfig):
    name = "ai_analysis"
    verbose_name = "AI analysis"

    def ready(self):
        from ai_analysis import (
            audio,
            panels,
            pipeline,
            portal_panels,
            provider_actors,  # noqa: F401 - declares the AI provider page's job (BYO-1) in every process
            provider_panels,
            scorecard_panels,
        )

        # Every decode in this process (the speech engines' too) is bounded by the settings (issue 15, SEC-UP).
        audio.configure_limits(**vars(pipeline.decode_limits()))
        provider_panels.register()  # "AI provider" in the organization settings menu (BYO-1)
        panels.register()  # "Recording and analysis" on hiring's interview page
        scorecard_panels.register()  # scorecards on the candidate, interview and my-interviews pages (issue 14)
        portal_panels.register()  # approved scores and feedback on the candidate's rights portal (RET-7)
