from ehdesk.models import Family, Person


def test_two_laptops_converge(laptops, server):
    ann = laptops("ann")
    bob = laptops("bob")
    family_id = ann.add_family("EH-1", members=2)
    summary = ann.sync()
    assert summary.pushed == 3
    bob.sync()
    assert bob.get(Family, family_id).reference == "EH-1"
    assert len(bob.rows(Person, Person.family_id == family_id)) == 2
