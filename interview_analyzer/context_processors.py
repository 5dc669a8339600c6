def acting_member(request):
    """The acting member for templates, to show the organization and hide buttons a role cannot use."""
    return {"member": getattr(request, "member", None)}
