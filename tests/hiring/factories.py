"""Factories for the hiring domain, building rows through the same shapes the services create."""

from datetime import timedelta

import factory
from django.utils import timezone

from hiring.models import Candidate, Criterion, Decision, Hiring, Interview
from tests.factories import MembershipFactory


class HiringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hiring

    owner = factory.SubFactory(MembershipFactory)
    organization = factory.SelfAttribute("owner.organization")
    title = factory.Sequence(lambda n: f"Backend engineer {n}")
    description = "<p>Build and run our APIs.</p>"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    hiring = factory.SubFactory(HiringFactory)
    organization = factory.SelfAttribute("hiring.organization")
    name = factory.Sequence(lambda n: f"Criterion {n}")
    description = "Designs systems that stay simple under load."
    good_evidence = "Names trade-offs; explains failure modes."
    weight = 2


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    hiring = factory.SubFactory(HiringFactory)
    organization = factory.SelfAttribute("hiring.organization")
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"candidate{n}@mail.test")


class InterviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interview

    candidate = factory.SubFactory(CandidateFactory)
    organization = factory.SelfAttribute("candidate.organization")
    interviewer = factory.SubFactory(MembershipFactory, organization=factory.SelfAttribute("..organization"))
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    candidate = factory.SubFactory(CandidateFactory)
    organization = factory.SelfAttribute("candidate.organization")
    outcome = Decision.Outcome.REJECTED
    reason = "Another candidate matched the criteria better."
    decided_by_email = "recruiter@example.test"
