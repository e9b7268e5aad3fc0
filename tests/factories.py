import factory

from accounts.models import Tier, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    tier = Tier.FREE
    password = factory.django.Password("pw-for-tests")
