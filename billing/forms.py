"""Billing forms. The only client input is which plan to ask Stripe for (BIL-5, SEC-MASS): no plan, credit, seat or
organization field exists to be posted."""

from django import forms

from billing.models import Plan


class CheckoutForm(forms.Form):
    plan = forms.SlugField(max_length=40)

    def clean_plan(self):
        code = self.cleaned_data["plan"]
        if not Plan.objects.filter(code=code).exists():
            raise forms.ValidationError("Unknown plan.")
        return code
